/**
 * Bob's journey through the demo signing portal, by clicks alone, on a phone and on a desktop, with
 * JavaScript on and off: name and number → verify negative → a method from the catalogue → the
 * partner (the Test-ISP simulator) → back to the portal's status timeline → the SMS in the local
 * outbox → the terms → verify positive, ready to sign. Every page is checked (fits the window, axe
 * with JavaScript on) and photographed into .reports/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TERMS_PAGE } from '../../lambdas/core/terms.js';
import { checkPage, launchBrowser, newContext, tabTo, VIEWPORT_NAMES } from '../support/browser.js';
import { acceptTerms, termsLinkFromOutbox } from '../support/isp.js';
import { call, useStack, waitFor } from '../support/stack.js';

let browser: Browser;
let mobileCounter = 0;
const nextMobile = () => `+4179666${String(3000 + mobileCounter++).padStart(4, '0')}`;

const stack = useStack({ rateLimits: false });
beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** The portal's first page filled in as Bob, sent: verify is negative for a new number. */
async function checkAsBob(page: Page, mobile: string): Promise<void> {
  await page.goto(`${stack().baseUrl}/demo-portal`);
  await page.getByLabel('First name').fill('Bob');
  await page.getByLabel('Last name').fill('Meier');
  await page.getByLabel('Mobile number').fill(mobile);
  await page.getByRole('button', { name: 'Check whether I can sign' }).click();
}

/** Bob checked, then sent to the Test-ISP with the test method: the partner's form is open. */
async function startTestIdentificationAsBob(page: Page, mobile: string): Promise<void> {
  await checkAsBob(page, mobile);
  await page.getByLabel(/Test method/).check();
  await page.getByLabel('Email address').fill('bob@example.com');
  await page.getByLabel('Date of birth').fill('1980-05-17');
  await page.getByRole('button', { name: 'Start identification' }).click();
}

const STAGE = {
  atPartner: 'Your identification is under way at the partner.',
  waitingForTerms: 'You are identified. We sent you an SMS',
  ready: 'You are ready to sign.',
  notConfirmed: 'You are registered, but the service does not confirm you for this signature',
};

/** The status text of the portal's status page. */
const stageText = async (page: Page) =>
  (await page.locator('#journey-status [role=status]').textContent()) ?? '';

/**
 * Waits until the status page says `text`: with JavaScript the page updates itself (no navigation);
 * without, the person presses "Refresh status" until it does.
 */
async function untilStage(page: Page, text: string, javaScript: boolean): Promise<void> {
  if (javaScript) {
    await page.locator('#journey-status [role=status]', { hasText: text }).waitFor({ timeout: 20_000 });
    return;
  }
  await waitFor(
    async () => {
      if ((await stageText(page)).includes(text)) return true;
      await page.getByRole('link', { name: 'Refresh status' }).click();
      await page.waitForLoadState();
      return (await stageText(page)).includes(text);
    },
    (done) => done,
    { timeoutMs: 20_000, intervalMs: 200 },
  );
}

describe.each(
  VIEWPORT_NAMES.flatMap((viewport) =>
    ['on', 'off'].map((js) => ({ viewport, js, javaScript: js === 'on' })),
  ),
)('Bob on a $viewport with JavaScript $js', ({ viewport, javaScript }) => {
  it('walks from the document to "ready to sign" by clicks alone', async () => {
    const mobile = nextMobile();
    const shot = (step: string) => `portal-${viewport}-js-${javaScript ? 'on' : 'off'}-${step}`;
    const context = await newContext(browser, viewport, { javaScript });
    const page = await context.newPage();
    try {
      // 1. The document and who signs it
      await page.goto(`${stack().baseUrl}/demo-portal`);
      await checkPage(page, shot('1-start'), { axe: javaScript });
      await page.getByLabel('First name').fill('Bob');
      await page.getByLabel('Last name').fill('Meier');
      await page.getByLabel('Mobile number').fill(mobile);
      await page
        .getByLabel('Signature the document needs')
        .selectOption({ label: 'Advanced signature under Swiss law (ZertES)' });
      await page.getByRole('button', { name: 'Check whether I can sign' }).click();

      // 2. Verify negative: the methods, grouped by quality and legal area
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'Choose how to be identified',
      );
      const legends = await page.locator('legend').allTextContents();
      expect(legends).toContain(
        'Advanced electronic signature (LoA 3) — Swiss law (ZertES) and EU law (eIDAS)',
      );
      expect(legends.some((l) => l.startsWith('Qualified electronic signature (LoA 4)'))).toBe(true);
      await checkPage(page, shot('2-methods'), { axe: javaScript });
      await page.getByLabel(/Test method \(simulated partner\)/).check();
      await page.getByLabel('Email address').fill('bob@example.com');
      await page.getByLabel('Date of birth').fill('1980-05-17');
      await page.getByLabel('Language for the identification and the SMS').selectOption('de');
      await page.getByRole('button', { name: 'Start identification' }).click();

      // 3. At the partner: the simulator's form, prefilled from the order
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Define Identity');
      await expect(page.getByLabel('LastName').inputValue()).resolves.toBe('Meier');
      await checkPage(page, shot('3-partner'), { axe: javaScript });
      await page.getByLabel('Status of identity').selectOption({ label: 'Data ready' });
      await page.getByRole('button', { name: 'Submit' }).click();
      await checkPage(page, shot('4-partner-done'), { axe: javaScript });
      await page.getByRole('link', { name: 'Back to the service provider' }).click();

      // 4. Back at the portal (redirectUrl): the status timeline
      expect(new URL(page.url()).pathname).toBe('/demo-portal/status');
      await untilStage(page, STAGE.waitingForTerms, javaScript);
      const timeline = await page.locator('ol.timeline li strong').allTextContents();
      expect(timeline[0]).toBe('Order created');
      expect(timeline.at(-1)).toMatch(/^Data ready/);
      await checkPage(page, shot('5-status'), { axe: javaScript });

      // 5. The SMS (the local outbox), the terms in German, back to the portal
      await page.getByRole('link', { name: 'SMS outbox' }).click();
      await checkPage(page, shot('6-sms'), { axe: javaScript });
      await page.locator('tr', { hasText: mobile }).first().getByRole('link').click();
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(TERMS_PAGE.de.title);
      await checkPage(page, shot('7-terms'), { axe: javaScript });
      await page.getByRole('button', { name: TERMS_PAGE.de.accept }).click();
      await checkPage(page, shot('8-terms-accepted'), { axe: javaScript });
      await page.getByRole('link', { name: TERMS_PAGE.de.back }).click();

      // 6. Verify positive: ready to sign
      await untilStage(page, STAGE.ready, javaScript);
      await checkPage(page, shot('9-status-ready'), { axe: javaScript });
      await page.getByRole('link', { name: /^Sign / }).click();
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Ready to sign');
      await expect(page.getByRole('status').textContent()).resolves.toContain(
        'Bob Meier, you are ready to sign.',
      );
      await checkPage(page, shot('10-ready'), { axe: javaScript });

      // The same person comes back for the next document: verify is positive at once
      await page.getByRole('link', { name: 'Sign another document' }).click();
      await expect(page.getByLabel('Mobile number').inputValue()).resolves.toBe(mobile);
      await page.getByRole('button', { name: 'Check whether I can sign' }).click();
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Ready to sign');
    } finally {
      await context.close();
    }
  });
});

describe('the portal', () => {
  it('hands the choice to the service: its choice page, then the partner, then back to the portal', async () => {
    const mobile = nextMobile();
    const context = await newContext(browser, 'phone', { javaScript: false });
    const page = await context.newPage();
    try {
      await checkAsBob(page, mobile);
      await page.getByLabel('Email address').fill('bob@example.com');
      await page.getByLabel('Date of birth').fill('1980-05-17');
      await page.getByLabel('Language for the identification and the SMS').selectOption('fr');
      await page.getByRole('button', { name: 'Let the service show me the choice' }).click();

      // The service's own page, in the order's language
      expect(new URL(page.url()).pathname).toMatch(/^\/method-choice\//);
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('fr');
      await checkPage(page, 'portal-phone-js-off-service-choice', { axe: false });
      await page.getByLabel('Identification de test').check();
      await page.getByRole('button', { name: 'Continuer' }).click();

      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Define Identity');
      await page.getByRole('button', { name: 'Submit' }).click();
      await page.getByRole('link', { name: 'Back to the service provider' }).click();
      await untilStage(page, STAGE.waitingForTerms, false);
    } finally {
      await context.close();
    }
  });

  it('updates the status timeline by itself while the person accepts the terms on their phone', async () => {
    const mobile = nextMobile();
    const context = await newContext(browser, 'desktop', { javaScript: true });
    const page = await context.newPage();
    try {
      await startTestIdentificationAsBob(page, mobile);
      await page.getByRole('button', { name: 'Submit' }).click();
      await page.getByRole('link', { name: 'Back to the service provider' }).click();
      await untilStage(page, STAGE.waitingForTerms, true);
      // The refresh link is for pages without scripts; here the page polls
      await expect(page.locator('#refresh').isHidden()).resolves.toBe(true);

      let navigations = 0;
      page.on('framenavigated', () => {
        navigations += 1;
      });
      const link = (await waitFor(
        async () => termsLinkFromOutbox(stack(), mobile),
        (l) => l !== undefined,
      )) as string;
      expect((await acceptTerms(link)).status).toBe(200);
      await untilStage(page, STAGE.ready, true);
      expect(navigations).toBe(0);
      await expect(page.locator('ol.timeline li strong').last().textContent()).resolves.toBe(
        'Terms of use accepted',
      );
    } finally {
      await context.close();
    }
  });

  // Found by probing: a name the partner recorded otherwise left the page "being completed…" and
  // polling for ever. It ends, says why, and leads back to the start.
  it('ends, and says what to do, when the partner identified the person under another name', async () => {
    const mobile = nextMobile();
    const context = await newContext(browser, 'phone', { javaScript: true });
    const page = await context.newPage();
    try {
      await startTestIdentificationAsBob(page, mobile);
      // His identity card says Robert
      await page.getByLabel('FirstName').fill('Robert');
      await page.getByRole('button', { name: 'Submit' }).click();
      await page.getByRole('link', { name: 'Back to the service provider' }).click();
      await untilStage(page, STAGE.waitingForTerms, true);
      const link = (await waitFor(
        async () => termsLinkFromOutbox(stack(), mobile),
        (l) => l !== undefined,
      )) as string;
      expect((await acceptTerms(link)).status).toBe(200);

      await untilStage(page, STAGE.notConfirmed, true);
      // Settled: the script stops polling
      await expect(page.locator('#journey-status').getAttribute('data-settled')).resolves.toBe('true');
      await expect(page.locator('#journey-status').textContent()).resolves.toContain('Bob Meier');
      await checkPage(page, 'portal-phone-js-on-name-not-confirmed', { axe: true });
      await page.getByRole('link', { name: 'Start again with another name' }).click();
      await expect(page.getByLabel('First name').inputValue()).resolves.toBe('Bob');
      await expect(page.getByLabel('Mobile number').inputValue()).resolves.toBe(mobile);
    } finally {
      await context.close();
    }
  });

  it('is completed with the keyboard alone, JavaScript off', async () => {
    const mobile = nextMobile();
    const context = await newContext(browser, 'phone', { javaScript: false });
    const page = await context.newPage();
    try {
      await page.goto(`${stack().baseUrl}/demo-portal`);
      await tabTo(page, { id: 'f-firstName' });
      await page.keyboard.type('Bob');
      await page.keyboard.press('Tab');
      await page.keyboard.type('Meier');
      await page.keyboard.press('Tab');
      await page.keyboard.type(mobile);
      await tabTo(page, { text: 'Check whether I can sign' });
      await page.keyboard.press('Enter');
      // The next page's heading (a key press does not wait for the navigation it starts)
      await page.getByRole('heading', { level: 1, name: 'Choose how to be identified' }).waitFor();

      // The first radio takes the focus; arrow keys move to the Test-ISP's method
      await page.keyboard.press('Tab');
      let steps = 0;
      while (!(await page.getByLabel(/Test method/).isChecked())) {
        await page.keyboard.press('ArrowDown');
        steps += 1;
        expect(steps, 'the arrow keys reach the test method').toBeLessThan(20);
      }
      await tabTo(page, { id: 'f-email' });
      await page.keyboard.type('bob@example.com');
      await page.keyboard.press('Tab');
      await page.keyboard.type('05171980');
      await expect(page.getByLabel('Date of birth').inputValue()).resolves.toBe('1980-05-17');
      await tabTo(page, { text: 'Start identification' });
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Define Identity' }).waitFor();
      await expect(page.getByLabel('LastName').inputValue()).resolves.toBe('Meier');
    } finally {
      await context.close();
    }
  });

  it('shows the form again with each error next to its field, and sends nothing', async () => {
    const context = await newContext(browser, 'phone', { javaScript: true });
    const page = await context.newPage();
    const executions = async () => (await call<unknown[]>(stack(), 'GET', '/_local/executions')).body.length;
    const before = await executions();
    try {
      await page.goto(`${stack().baseUrl}/demo-portal`);
      await page.getByLabel('First name').fill('Bob');
      await page.getByLabel('Last name').fill('Meier 3');
      await page.getByLabel('Mobile number').fill('079 123');
      await page.getByRole('button', { name: 'Check whether I can sign' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain('Mobile number');
      for (const [label, message] of [
        ['Last name', 'Letters, spaces'],
        ['Mobile number', 'E.164'],
      ] as const) {
        const field = page.getByLabel(label);
        await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
        const errorId = ((await field.getAttribute('aria-describedby')) ?? '')
          .split(' ')
          .find((id) => id.endsWith('-error'));
        await expect(page.locator(`#${errorId}`).textContent()).resolves.toContain(message);
      }
      await checkPage(page, 'portal-phone-start-errors', { axe: true });
      await expect(executions()).resolves.toBe(before);
    } finally {
      await context.close();
    }
  });
});
