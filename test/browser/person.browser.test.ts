/**
 * What a person and a tester see, in a real browser with JavaScript switched off: the Test-ISP
 * simulator's form and the terms page work as plain HTML forms, every field has a label, and the
 * journey ends in a positive verify. Needs Debian's chromium (`npm run test:browser`).
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext } from '../support/browser.js';
import { termsLinkFromOutbox } from '../support/isp.js';
import {
  call,
  paperStartBody,
  tokenFor,
  useStack,
  verifyEventuallyPositive,
  waitFor,
} from '../support/stack.js';
import { DEFINE_IDENTITY_FIELDS } from '../support/white-paper.js';

let chromium: Browser;
let browser: BrowserContext;

const stack = useStack({ rateLimits: false });
beforeAll(async () => {
  chromium = await launchBrowser();
  browser = await newContext(chromium, 'desktop', { javaScript: false });
});

afterAll(async () => {
  await chromium?.close();
});

describe('the pages a person and a tester use, without JavaScript', () => {
  it('identifies a person through the simulator form and the terms page, then verify is positive', async () => {
    const mobile = '+41795550101';
    const token = await tokenFor(stack());
    const started = await call<{ refId: string; targetURL: string }>(
      stack(),
      'POST',
      '/api/identifications',
      {
        token,
        json: paperStartBody({ mobile }),
      },
    );
    expect(started.status).toBe(201);
    const page = await browser.newPage();

    // The simulator's "Define Identity" form: every field labelled, prefilled from the order
    await page.goto(started.body.targetURL);
    for (const label of DEFINE_IDENTITY_FIELDS) {
      await expect(page.getByLabel(label, { exact: false }).count(), label).resolves.toBeGreaterThan(0);
    }
    expect(await page.getByLabel('FirstName').inputValue()).toBe('Hans');
    expect(await page.getByLabel('Mobile phone number').inputValue()).toBe(mobile);
    await page.getByLabel('LastName').fill('Müller');
    await page.getByLabel('Status of identity').selectOption({ label: 'Data ready' });
    await page.getByRole('button', { name: /submit/i }).click();
    await page.waitForLoadState();
    expect(await page.content()).toContain('data-ready');

    // The SMS arrives; the person opens the link and accepts
    const link = (await waitFor(
      async () => termsLinkFromOutbox(stack(), mobile),
      (l) => l !== undefined,
    )) as string;
    await page.goto(link);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Terms of use for electronic signatures',
    );
    await page.getByRole('button', { name: 'I accept the terms of use' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toContain('You can now sign electronically');

    expect((await verifyEventuallyPositive(stack(), mobile)).status).toBe(200);
    await page.close();
  });

  it('shows an error page, not a form, for a terms link that is not valid', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${stack().baseUrl}/terms/not-a-valid-link-token-0000000000`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole('alert').textContent()).toBe(
      'This link is not valid. Open the whole link from the SMS, or ask your service provider to send a new one.',
    );
    expect(await page.locator('form').count()).toBe(0);
    await page.close();
  });
});
