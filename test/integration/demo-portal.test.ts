/**
 * The demo portal's answers to what a browser (or anyone) may send: bad forms are pages with the
 * errors and change nothing, foreign sites and non-forms are refused, a journey cookie that was
 * tampered with counts as none. The whole journey in a browser is test/browser/portal.browser.test.ts.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { call, useStack } from '../support/stack.js';

const stack = useStack({ rateLimits: false });

const form = (body: string, headers: Record<string, string> = {}) => ({
  body,
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
});
const executions = async () => (await call<unknown[]>(stack(), 'GET', '/_local/executions')).body.length;
const SIGNER = 'firstName=Bob&lastName=Meier&mobile=%2B41795557001&need=aes-zertes';

async function journeyCookie(): Promise<string> {
  const res = await call(stack(), 'POST', '/demo-portal', form(SIGNER));
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

describe('the demo portal', () => {
  it('remembers the signer in an HttpOnly, SameSite cookie scoped to its path and sends a negative verify to the methods', async () => {
    const res = await call(stack(), 'POST', '/demo-portal', form(SIGNER));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/demo-portal/methods');
    expect(res.headers.get('set-cookie')).toMatch(
      /^srs_demo_portal=[\w-]+; Path=\/demo-portal; Max-Age=86400; HttpOnly; SameSite=Lax$/,
    );
  });

  it('answers a form with errors as the form again (400), each error at its field, and starts nothing', async () => {
    const before = await executions();
    const res = await call<string>(
      stack(),
      'POST',
      '/demo-portal',
      form('firstName=&lastName=Meier&mobile=12&need=qes-zertes&need=aes-eidas'),
    );
    expect(res.status).toBe(400);
    expect(res.text).toMatch(
      /<input id="f-firstName"[^>]*aria-describedby="f-firstName-error"[^>]*aria-invalid="true"/,
    );
    expect(res.text).toContain('<p id="f-mobile-error" class="error">');
    expect(res.text).toMatch(/<p id="f-need-error" class="error">Given more than once\.<\/p>/);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await executions()).toBe(before);
  });

  it('refuses a post from another site (403), a body that is not a form (415) or too large (413)', async () => {
    const foreign = await call(
      stack(),
      'POST',
      '/demo-portal',
      form(SIGNER, { 'sec-fetch-site': 'cross-site' }),
    );
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    const json = await call(stack(), 'POST', '/demo-portal', { json: { firstName: 'Bob' } });
    expect(json.status).toBe(415);
    expect(json.headers.get('content-type')).toContain('text/html');
    expect(json.headers.get('set-cookie')).toBeNull();
    const huge = await call(stack(), 'POST', '/demo-portal', form(`${SIGNER}&pad=${'x'.repeat(5000)}`));
    expect(huge.status).toBe(413);
    expect(huge.headers.get('set-cookie')).toBeNull();
  });

  // Found by probing: a form with two Content-Type lines was read by the first one locally; API
  // Gateway hands the function the last. Refused (400) as a page, with no cookie and no start.
  it('refuses a form sent with two Content-Type lines with a 400 page, setting no cookie', async () => {
    const answer = await new Promise<{ status: number; type: string; cookie: unknown; text: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          `${stack().baseUrl}/demo-portal`,
          {
            method: 'POST',
            // Header lines as a flat name/value list (one line each), which Node sends as given: Host too.
            headers: [
              'host',
              new URL(stack().baseUrl).host,
              'accept',
              'text/html',
              'content-type',
              'application/x-www-form-urlencoded',
              'content-type',
              'text/plain',
            ],
          },
          (res) => {
            let text = '';
            res.on('data', (c) => {
              text += c;
            });
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                type: res.headers['content-type'] ?? '',
                cookie: res.headers['set-cookie'],
                text,
              }),
            );
          },
        );
        req.on('error', reject);
        req.end(SIGNER);
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.type).toContain('text/html');
    expect(answer.text).toContain('Nothing was saved.');
    expect(answer.cookie).toBeUndefined();
  });

  it('sends a visitor without a journey, or with a tampered cookie, back to the start', async () => {
    for (const cookie of [
      undefined,
      'srs_demo_portal=not-base64-json',
      'srs_demo_portal=eyJzaWduZXIiOnt9fQ',
    ]) {
      const res = await call(stack(), 'GET', '/demo-portal/status', cookie ? { headers: { cookie } } : {});
      expect(res.status, cookie).toBe(303);
      expect(res.headers.get('location')).toBe('/demo-portal');
    }
  });

  it('refuses a method that is not in the catalogue, beside the choice, and starts nothing', async () => {
    const cookie = await journeyCookie();
    const before = await executions();
    const res = await call<string>(stack(), 'POST', '/demo-portal/methods', {
      ...form(
        'choice=Nobody%7Cvideo&email=bob%40example.com&dob=1980-05-17&language=en&attempt=attempt-0001',
        {
          cookie,
        },
      ),
    });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/<p id="choice-error" class="error">[^<]+<\/p>/);
    expect(await executions()).toBe(before);
  });

  it('starts once for one form, however often it is sent (Idempotency-Key from the form)', async () => {
    const cookie = await journeyCookie();
    const before = await executions();
    const body =
      'choice=Test-ISP%7Ctest&email=bob%40example.com&dob=1980-05-17&language=en&attempt=attempt-0002';
    const first = await call(stack(), 'POST', '/demo-portal/methods', form(body, { cookie }));
    const second = await call(stack(), 'POST', '/demo-portal/methods', form(body, { cookie }));
    expect(first.status).toBe(303);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(await executions()).toBe(before + 1);
  });

  it('shows the status only to the journey that started it: another refId is not found', async () => {
    const cookie = await journeyCookie();
    const value = JSON.parse(Buffer.from(cookie.split('=')[1] as string, 'base64url').toString());
    const forged = Buffer.from(
      JSON.stringify({ ...value, refId: '00000000-0000-4000-8000-000000000000' }),
    ).toString('base64url');
    const res = await call<string>(stack(), 'GET', '/demo-portal/status', {
      headers: { cookie: `srs_demo_portal=${forged}` },
    });
    expect(res.status).toBe(404);
    expect(res.text).toContain('Identification not found');
  });

  it('leaves the choice to the service when asked: the six-field start, its choice page as the target', async () => {
    const cookie = await journeyCookie();
    const missing = await call<string>(
      stack(),
      'POST',
      '/demo-portal/methods',
      form('serviceChoice=yes&email=&dob=1980-05-17&language=en&attempt=attempt-0003', { cookie }),
    );
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/<input id="f-email"[^>]*aria-invalid="true"/);
    expect(missing.text).not.toContain('id="choice-error"');

    const res = await call(
      stack(),
      'POST',
      '/demo-portal/methods',
      form('serviceChoice=yes&email=bob%40example.com&dob=1980-05-17&language=it&attempt=attempt-0004', {
        cookie,
      }),
    );
    expect(res.status).toBe(303);
    const target = new URL(res.headers.get('location') ?? '');
    expect(target.pathname).toMatch(/^\/method-choice\/[0-9a-f-]{36}$/);
    const choicePage = await call<string>(stack(), 'GET', `${target.pathname}${target.search}`);
    expect(choicePage.status).toBe(200);
    expect(choicePage.text).toContain('<html lang="it">');
  });
});
