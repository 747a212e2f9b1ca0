/**
 * Which order changes the change feed's relay tells the terms wait of (usecases/acceptance-relay.ts,
 * ADR 0022): the write that recorded an acceptance, told with the order as it is now.
 */
import { describe, expect, it } from 'vitest';
import type { Order } from '../../lambdas/core/order.js';
import { tellRecordedAcceptance } from '../../lambdas/usecases/acceptance-relay.js';
import { order, statusEntry } from './fixtures.js';

const ACCEPTANCE = { acceptedAt: '2025-03-01T10:30:00.000Z', termsVersion: '2025-01', termsLanguage: 'de' };
const DATA_READY = [statusEntry('created', 0), statusEntry('initialized', 1), statusEntry('data-ready', 2)];
const waiting = order({ statuses: DATA_READY, waitTokens: { terms: 'token-1' } });
const accepted = { ...waiting, acceptance: ACCEPTANCE, version: waiting.version + 1 };

/** Tells `change` with the stored order `now`; answers what it told, as [token, output] pairs. */
async function told(
  change: { before: Order | undefined; after: Order },
  now: Order | undefined,
  waitOpen = true,
) {
  const calls: unknown[][] = [];
  const result = await tellRecordedAcceptance(
    {
      repository: { getOrder: async () => now },
      callbacks: {
        succeed: async (...args) => calls.push(args) > 0 && waitOpen,
        fail: async () => {
          throw new Error('not expected');
        },
      },
    },
    change,
  );
  return { result, calls };
}

describe('the change feed’s relay of a recorded acceptance', () => {
  it('tells the write that recorded the acceptance, with the token the order holds now', async () => {
    const now = { ...accepted, waitTokens: { terms: 'token-2' } };
    expect(await told({ before: waiting, after: accepted }, now)).toEqual({
      result: true,
      calls: [['token-2', ACCEPTANCE]],
    });
  });

  it('answers not told when the wait was completed already (the page told it first)', async () => {
    expect(await told({ before: waiting, after: accepted }, accepted, false)).toEqual({
      result: false,
      calls: [['token-1', ACCEPTANCE]],
    });
  });

  it.each([
    ['a write before the acceptance', { before: order(), after: waiting }, waiting],
    ['a write after the acceptance (it was there before)', { before: accepted, after: accepted }, accepted],
    [
      'an acceptance with no wait parked yet (AwaitCallback completes it)',
      { before: waiting, after: accepted },
      { ...accepted, waitTokens: {} },
    ],
    [
      'an order registered meanwhile',
      { before: waiting, after: accepted },
      { ...accepted, statuses: [...DATA_READY, statusEntry('terms-accepted', 3)] },
    ],
    ['an order erased meanwhile', { before: waiting, after: accepted }, undefined],
  ] satisfies [string, { before: Order; after: Order }, Order | undefined][])(
    'tells nothing for %s',
    async (_case, change, now) => {
      expect(await told(change, now)).toEqual({ result: false, calls: [] });
    },
  );
});
