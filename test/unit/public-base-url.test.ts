/**
 * PUBLIC_BASE_URL is where every link the service hands out points (the terms SMS, redirects, the
 * OpenAPI document's server, the order tokens' issuer). The stack, the emulator target and the
 * local stack always set it (lib/function-environment.ts); a function that hands out links,
 * deployed without it, fails at cold start naming the variable instead of trusting the Host header
 * a caller sends.
 */
import { describe, expect, it } from 'vitest';
import { importedWith } from '../support/fresh-import.js';

const LINK_FUNCTIONS = [
  'api-docs',
  'demo-portal',
  'identification-resend-sms',
  'identification-start',
  'method-choice-page',
  'oauth-introspect',
  'task-send-terms-sms',
  'terms-page',
  'test-isp-simulator',
];

describe('a function that hands out links, deployed without PUBLIC_BASE_URL', () => {
  it.each(LINK_FUNCTIONS)(
    '%s fails at cold start, naming the variable',
    async (handler) => {
      await expect(
        importedWith(handler, { environment: { publicBaseUrl: '' }, report: "'imported'" }),
      ).rejects.toThrow(/InvalidEnvironment: Missing required environment variable PUBLIC_BASE_URL/);
    },
    60_000,
  );

  it('with it, imports as deployed', async () => {
    expect(await importedWith('identification-start', { report: "'imported'" })).toBe('imported');
  }, 60_000);
});
