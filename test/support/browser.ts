/**
 * Browser tests: Debian's chromium driven by playwright-core (never a downloaded browser), the two
 * window sizes a person meets our pages in, and the checks every person-facing page must pass:
 * no horizontal overflow, readable text, touch-size controls, and axe with nothing serious.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 900 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;
export const VIEWPORT_NAMES = Object.keys(VIEWPORTS) as ViewportName[];

/**
 * Targets: buttons, text fields, selects and links styled as buttons at least 44 × 44 CSS px
 * (WCAG 2.5.5, the AAA size, and what phone platforms ask for); radios and checkboxes at least
 * 24 × 24 (WCAG 2.2's 2.5.8 minimum), each inside a label that is itself 44 px high.
 * Links inside running text are exempt, as WCAG exempts them.
 */
export const TOUCH_TARGET_PX = 44;
export const SMALL_TARGET_PX = 24;
/** No text smaller than this (hints included); body text is 16 px. */
export const MIN_TEXT_PX = 14;

export const SCREENSHOT_DIR = join('.reports', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh context (cookies of its own) at one of the two sizes; a phone is a touch device. */
export function newContext(
  browser: Browser,
  viewport: ViewportName,
  options: { javaScript: boolean },
): Promise<BrowserContext> {
  return browser.newContext({
    viewport: VIEWPORTS[viewport],
    isMobile: viewport === 'phone',
    hasTouch: viewport === 'phone',
    javaScriptEnabled: options.javaScript,
  });
}

interface LayoutReport {
  innerWidth: number;
  scrollWidth: number;
  /** Elements sticking out past the right edge, for the failure message. */
  overflowing: string[];
  smallText: string[];
  smallTargets: string[];
}

/** The few DOM types the in-page measurement uses (the project compiles without the DOM library). */
interface DomElement {
  tagName: string;
  id: string;
  textContent: string | null;
  childNodes: ArrayLike<{ nodeType: number; textContent: string | null }>;
  classList: { contains(name: string): boolean };
  matches(selector: string): boolean;
  closest(selector: string): DomElement | null;
  getBoundingClientRect(): { right: number; width: number; height: number };
  /** SVG elements: user units to screen pixels. */
  getScreenCTM?(): { a: number } | null;
}
interface DomWindow {
  innerWidth: number;
  document: {
    body: { querySelectorAll(selector: string): ArrayLike<DomElement> };
    documentElement: { scrollWidth: number };
  };
  getComputedStyle(el: DomElement): { fontSize: string; visibility: string; display: string };
}

/** Measured in the page (page.evaluate works with JavaScript switched off too). */
function measureLayout(page: Page, limits: { width: number; text: number; target: number; small: number }) {
  return page.evaluate((limit): LayoutReport => {
    const window = globalThis as unknown as DomWindow;
    const { document, getComputedStyle } = window;
    type Element = DomElement;
    const describe = (el: Element) => {
      const text = (el.textContent ?? '').trim().slice(0, 40);
      return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${text ? ` "${text}"` : ''}`;
    };
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    };
    // Text in an SVG is as large as its font size times the picture's scale on screen.
    const renderedFontPx = (el: Element) => {
      const size = Number.parseFloat(getComputedStyle(el).fontSize);
      const svg = el.closest('svg');
      return svg ? size * (svg.getScreenCTM?.()?.a ?? 1) : size;
    };
    const all = Array.from(document.body.querySelectorAll('*')).filter(visible);
    const overflowing = all
      .filter((el) => el.getBoundingClientRect().right > limit.width + 0.5)
      .map(describe);
    const smallText = all
      .filter((el) => Array.from(el.childNodes).some((n) => n.nodeType === 3 && (n.textContent ?? '').trim()))
      .map((el) => ({ el, px: renderedFontPx(el) }))
      .filter(({ px }) => px < limit.text)
      .map(({ el, px }) => `${describe(el)} ${px.toFixed(1)}px`);
    const inRunningText = (el: Element) => el.tagName === 'A' && !el.classList.contains('button');
    const smallTargets = all
      .filter((el) => el.matches('button, input:not([type=hidden]), select, textarea, a'))
      .filter((el) => !inRunningText(el))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        const min = el.matches('input[type=radio], input[type=checkbox]') ? limit.small : limit.target;
        return r.width < min || r.height < min;
      })
      .map((el) => {
        const r = el.getBoundingClientRect();
        return `${describe(el)} ${Math.round(r.width)}×${Math.round(r.height)}`;
      });
    return {
      innerWidth: window.innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
      overflowing,
      smallText,
      smallTargets,
    };
  }, limits);
}

/**
 * No horizontal scrolling, no text under MIN_TEXT_PX, every control a touch-size target. The width
 * is compared with the window's, not with innerWidth: a mobile browser widens its layout viewport
 * to fit content that overflows (a 390 px phone then reports innerWidth 425), which would hide
 * exactly the overflow this looks for.
 */
export async function expectFitsWindow(page: Page, where: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  const layout = await measureLayout(page, {
    width,
    text: MIN_TEXT_PX,
    target: TOUCH_TARGET_PX,
    small: SMALL_TARGET_PX,
  });
  const overflow = `${where}: wider than the window: ${layout.overflowing.join(', ')}`;
  expect(layout.innerWidth, overflow).toBe(width);
  expect(layout.scrollWidth, overflow).toBeLessThanOrEqual(layout.innerWidth);
  expect(layout.smallText, `${where}: text smaller than ${MIN_TEXT_PX} px`).toEqual([]);
  expect(layout.smallTargets, `${where}: controls smaller than a touch target`).toEqual([]);
}

/**
 * axe-core with all its rules: no serious or critical violation. axe runs scripts in the page, so
 * the page must come from a context with JavaScript on (the pages under test have no scripts of
 * their own that would change what axe sees, or they are checked after they ran).
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `${where}: axe`).toEqual([]);
}

/** A full-page screenshot under .reports/screenshots (CI keeps .reports). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Every check of a person-facing page at once, and its screenshot. */
export async function checkPage(page: Page, name: string, options: { axe: boolean }): Promise<void> {
  await screenshot(page, name);
  await expectFitsWindow(page, name);
  if (options.axe) await expectAccessible(page, name);
}

/** The element that has the keyboard focus: its id and text. */
export async function focused(page: Page): Promise<{ id: string; text: string }> {
  const el = page.locator(':focus');
  if ((await el.count()) === 0) return { id: '', text: '' };
  return { id: (await el.getAttribute('id')) ?? '', text: ((await el.textContent()) ?? '').trim() };
}

/** Presses Tab until the focus is on the element `wanted` describes; fails if Tab never gets there. */
export async function tabTo(
  page: Page,
  wanted: { id: string } | { text: string },
  maxPresses = 40,
): Promise<void> {
  const reached = (f: { id: string; text: string }) =>
    'id' in wanted ? f.id === wanted.id : f.text === wanted.text;
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    if (reached(await focused(page))) return;
  }
  throw new Error(`Tab never reached ${JSON.stringify(wanted)} in ${maxPresses} presses`);
}
