/**
 * The interactive API reference at /docs, in a real browser with JavaScript on, against the stack
 * `npm start` runs: Swagger UI renders /openapi.json under the page's CSP (no violation, no script
 * error), and a "try it out" call with an SP's access token answers from the running stack.
 * Needs Debian's chromium (`npm run test:browser`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';

let server: ChildProcess | undefined;
let baseUrl = '';
let browser: Browser;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** `npm start` on a free port, as a user runs it; resolves when it prints that it is ready. */
async function npmStart(port: number): Promise<ChildProcess> {
  const child = spawn('npm', ['start', '--', '--port', String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'WARN' },
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start not ready in 90 s:\n${output}`)), 90_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  return child;
}

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = await npmStart(port);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server?.pid) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    // The whole group: npm and the stack it started.
    process.kill(-server.pid, 'SIGINT');
    await exited;
  }
});

async function accessToken(): Promise<string> {
  const res = await fetch(`${baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('demo-portal:demo-portal-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('the API reference at /docs', () => {
  it('renders every operation of /openapi.json without a CSP violation or script error', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const doc = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);

    await page.goto(`${baseUrl}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });

    expect(await page.locator('.opblock').count()).toBe(operations);
    expect(await page.locator('.info .title').textContent()).toContain('Smart Registration Service');
    expect(problems).toEqual([]);
    await page.close();
  });

  it("tries GET /api/providers with an SP's token: the paper's filters, answered by the running stack", async () => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });

    // Authorize with a bearer token the SP already has.
    await page
      .getByRole('button', { name: /authorize/i })
      .first()
      .click();
    await page.getByLabel('auth-bearer-value').fill(await accessToken());
    await page.getByRole('button', { name: 'Apply credentials' }).click();
    await page.locator('.modal-ux .close-modal').click();

    const operation = page.locator('#operations-default-providers-list');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor({ timeout: 30_000 });

    expect((await status.textContent())?.trim()).toMatch(/^200/);
    const body = await operation
      .locator('.live-responses-table tbody .response-col_description pre')
      .first()
      .textContent();
    expect(JSON.parse(body ?? 'null')).toEqual([
      expect.objectContaining({
        issuer: 'Test-ISP',
        loa: 3,
        jurisdiction: 'ZERTES,EIDAS',
        realtimeMethods: ['test'],
      }),
    ]);
    await page.close();
  });
});
