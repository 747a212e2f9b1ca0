/**
 * The embedded stack's log level reaches the functions: the functions' logger is built when the
 * stack's modules load, before the stack sets the functions' LOG_LEVEL, and Powertools resets the
 * level on every invocation to the one it was built with — so a level set once would last one
 * request. Each stack here takes several requests of one function, the warm ones included.
 */
import { describe, expect, it } from 'vitest';
import { captureLogs, logRecords } from '../support/logs.js';
import { call, useStack } from '../support/stack.js';

const unknownPerson = {
  msisdn: '41790001999',
  claimedIdentity: 'test-client',
  assuranceLevel: 3,
  distinguishedName: 'gn=Nobody, sn=Known, c=CH',
};

/** What the functions write while verify answers three times negative, then refuses a body. */
async function linesOfFourRequests(baseUrl: string): Promise<Record<string, unknown>[]> {
  const written = await captureLogs(async () => {
    for (let i = 0; i < 3; i++)
      expect((await call({ baseUrl }, 'POST', '/api/verify', { json: unknownPerson })).status).toBe(404);
    expect((await call({ baseUrl }, 'POST', '/api/verify', { json: { msisdn: 'x' } })).status).toBe(400);
  });
  return logRecords(written);
}

describe('a stack at SILENT (useStack’s default)', () => {
  const stack = useStack({ logLevel: 'SILENT' });

  it('writes no line, on the first request of a function or the warm ones', async () => {
    expect(await linesOfFourRequests(stack().baseUrl)).toEqual([]);
  });
});

describe('a stack at INFO in the same process, after the silent one', () => {
  const stack = useStack({ logLevel: 'INFO' });

  it('writes each request’s line with its function’s Lambda context, the warm requests’ too', async () => {
    const lines = await linesOfFourRequests(stack().baseUrl);

    const negative = [
      ['INFO', 'verify negative', 'verify', undefined],
      ['INFO', 'request refused', 'verify', 404],
    ];
    expect(lines.map((l) => [l.level, l.message, l.function_name, l.status])).toEqual([
      ...negative,
      ...negative,
      ...negative,
      ['INFO', 'request refused', 'verify', 400],
    ]);
  });
});
