/**
 * The person-facing pages on a phone (390 × 844, a touch device) and on a desktop (1280 × 900), in
 * every language they offer: no horizontal overflow, readable text, touch-size controls, axe with
 * no serious or critical violation; and each form completed with the keyboard alone. Screenshots
 * of every page go to .reports/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../lambdas/core/domain.js';
import { METHOD_CHOICE_PAGE } from '../../lambdas/core/method-choice.js';
import { TERMS_PAGE } from '../../lambdas/core/terms.js';
import { checkPage, launchBrowser, newContext, tabTo, VIEWPORT_NAMES } from '../support/browser.js';
import { termsLinkFromOutbox } from '../support/isp.js';
import { call, startOrder, tokenFor, useStack, verifyEventuallyPositive, waitFor } from '../support/stack.js';
import { PAPER_START_BODY } from '../support/white-paper.js';

let browser: Browser;
let token: string;
let mobileCounter = 0;

const stack = useStack({ rateLimits: false });
beforeAll(async () => {
  browser = await launchBrowser();
  token = await tokenFor(stack());
});

afterAll(async () => {
  await browser?.close();
});

/** The paper's six-field start: the service's own page offers the methods. */
async function startSixFields(language: string): Promise<{ targetURL: string }> {
  const res = await call<{ targetURL: string }>(stack(), 'POST', '/api/identifications', {
    token,
    json: { ...PAPER_START_BODY, mobile: nextMobile(), language },
  });
  expect(res.status).toBe(201);
  return res.body;
}

const nextMobile = () => `+4179555${String(2000 + mobileCounter++).padStart(4, '0')}`;

/** An order whose evidence is in, and the terms link its SMS carries. */
async function orderWaitingForTerms(language = 'en'): Promise<{ link: string; mobile: string }> {
  const mobile = nextMobile();
  const { refId } = await startOrder(stack(), token, { mobile, language });
  const simulated = await call(stack(), 'POST', `/test-isp/api/orders/${refId}`, {
    json: { status: 'data-ready' },
  });
  expect(simulated.status).toBe(200);
  const link = (await waitFor(
    async () => termsLinkFromOutbox(stack(), mobile),
    (l) => l !== undefined,
  )) as string;
  return { link, mobile };
}

async function withPage<T>(
  viewport: (typeof VIEWPORT_NAMES)[number],
  javaScript: boolean,
  use: (page: Page, context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await newContext(browser, viewport, { javaScript });
  try {
    return await use(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

describe.each(VIEWPORT_NAMES)('on a %s', (viewport) => {
  it('the terms page fits and is accessible in every language, and after acceptance', async () => {
    const { link } = await orderWaitingForTerms('de');
    await withPage(viewport, true, async (page) => {
      for (const language of LANGUAGES) {
        await page.goto(`${link}?lang=${language}`);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(TERMS_PAGE[language].title);
        await checkPage(page, `terms-${language}-${viewport}`, { axe: true });
      }
      // Without ?lang the page speaks the order's language
      await page.goto(link);
      expect(await page.locator('html').getAttribute('lang')).toBe('de');
      await page.getByRole('button', { name: TERMS_PAGE.de.accept }).click();
      await expect(page.getByRole('status').textContent()).resolves.toContain(TERMS_PAGE.de.accepted);
      await checkPage(page, `terms-accepted-${viewport}`, { axe: true });
      // The used link is an error page, in the order's language, that fits too
      await page.goto(link);
      await expect(page.getByRole('alert').textContent()).resolves.toBe(TERMS_PAGE.de.used);
      await checkPage(page, `terms-used-${viewport}`, { axe: true });
    });
  });

  it('a terms form the edge refuses is an HTML page in the order’s language that fits and is accessible', async () => {
    const { link } = await orderWaitingForTerms('fr');
    await withPage(viewport, true, async (page) => {
      await page.goto(link);
      // A pseudonym past the field's limit (the page caps it at 100): the form exceeds the 2 KiB a
      // terms form may have, and the edge refuses it before anything is read.
      await page.locator('#pseudonym').evaluate((input) => input.removeAttribute('maxlength'));
      await page.locator('#pseudonym').fill('a'.repeat(3000));
      const [answer] = await Promise.all([
        page.waitForResponse((res) => res.request().method() === 'POST'),
        page.getByRole('button', { name: TERMS_PAGE.fr.accept }).click(),
      ]);
      await page.waitForLoadState();

      expect(answer.status()).toBe(413);
      expect(await page.locator('html').getAttribute('lang')).toBe('fr');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'Le formulaire est trop volumineux',
      );
      await expect(page.getByRole('alert').textContent()).resolves.toContain('Rien n’a été enregistré.');
      await checkPage(page, `terms-refused-413-${viewport}`, { axe: true });
      // Nothing was recorded: the link still shows the form.
      await page.goto(link);
      await expect(page.getByRole('button', { name: TERMS_PAGE.fr.accept }).count()).resolves.toBe(1);
    });
  });

  it('the simulator form, its field errors and its result page fit and are accessible', async () => {
    const { targetURL } = await startOrder(stack(), token, { mobile: nextMobile() });
    await withPage(viewport, true, async (page) => {
      await page.goto(targetURL);
      await checkPage(page, `simulator-form-${viewport}`, { axe: true });

      // A value the browser lets through but the simulator refuses: the page says so at the field
      await page.getByLabel('Nationality').fill('Switzerland');
      await page.getByRole('button', { name: 'Submit' }).click();
      const nationality = page.getByLabel('Nationality');
      await expect(nationality.getAttribute('aria-invalid')).resolves.toBe('true');
      const describedBy = ((await nationality.getAttribute('aria-describedby')) ?? '').split(' ');
      const errorId = describedBy.find((id) => id.endsWith('-error'));
      expect(errorId).toBeDefined();
      await expect(page.locator(`#${errorId}`).textContent()).resolves.toContain('ISO 3166-1 alpha-2');
      await expect(page.getByRole('alert').textContent()).resolves.toContain('Nationality');
      await checkPage(page, `simulator-form-errors-${viewport}`, { axe: true });

      await nationality.fill('CH');
      await page.getByRole('button', { name: 'Submit' }).click();
      await expect(page.getByRole('status').textContent()).resolves.toContain('Data ready');
      await checkPage(page, `simulator-result-${viewport}`, { axe: true });
    });
  });

  it('the method choice page fits and is accessible in every language, and with its error', async () => {
    for (const language of LANGUAGES) {
      const { targetURL } = await startSixFields(language);
      await withPage(viewport, true, async (page) => {
        await page.goto(targetURL);
        const t = METHOD_CHOICE_PAGE[language];
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(t.title);
        await checkPage(page, `method-choice-${language}-${viewport}`, { axe: true });
        if (language !== 'en') return;
        // Sent without a choice: the form again, the error announced and tied to the choices
        await page.getByRole('button', { name: t.submit }).click();
        await expect(page.getByRole('alert').textContent()).resolves.toBe(t.required);
        const describedBy = (await page.getByRole('radio').first().getAttribute('aria-describedby')) ?? '';
        expect(describedBy.split(' ')).toContain('method-error');
        await checkPage(page, `method-choice-error-${viewport}`, { axe: true });
      });
    }
  });
});

describe('with the keyboard alone, JavaScript off', () => {
  it('completes the simulator form and then the terms form', async () => {
    const mobile = nextMobile();
    const { targetURL } = await startOrder(stack(), token, { mobile });
    await withPage('phone', false, async (page) => {
      await page.goto(targetURL);
      // Tab to the family name, replace it, on to the status (already "Data ready"), then the button
      await tabTo(page, { id: 'f-lastName' });
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('Müller');
      await tabTo(page, { id: 'f-status' });
      await expect(page.getByLabel('Status of identity').inputValue()).resolves.toBe('data-ready');
      await tabTo(page, { text: 'Submit' });
      await page.keyboard.press('Enter');
      await page.waitForLoadState();
      await expect(page.getByRole('status').textContent()).resolves.toContain('Data ready');
    });

    const link = (await waitFor(
      async () => termsLinkFromOutbox(stack(), mobile),
      (l) => l !== undefined,
    )) as string;
    await withPage('phone', false, async (page) => {
      await page.goto(link);
      await tabTo(page, { text: TERMS_PAGE.en.accept });
      await page.keyboard.press('Space');
      await page.waitForLoadState();
      await expect(page.getByRole('status').textContent()).resolves.toContain(TERMS_PAGE.en.accepted);
    });
    expect((await verifyEventuallyPositive(stack(), mobile)).status).toBe(200);
  });

  it('completes the method choice form', async () => {
    const { targetURL } = await startSixFields('de');
    await withPage('phone', false, async (page) => {
      await page.goto(targetURL);
      await tabTo(page, { id: 'method-0' });
      await page.keyboard.press('Space');
      await expect(page.locator('#method-0').isChecked()).resolves.toBe(true);
      await tabTo(page, { text: METHOD_CHOICE_PAGE.de.submit });
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => !url.pathname.startsWith('/method-choice/'));
    });
  });
});
