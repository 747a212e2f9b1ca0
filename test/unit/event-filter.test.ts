/**
 * The embedded stack's event filtering (local/event-filter.ts) applied to the stack's own filter
 * patterns (lambdas/event-sources.ts): which change records each function on the table's feed is
 * handed, as the event source mapping's filter decides in AWS. The relay gets only the write that
 * newly records a terms acceptance; the fan-out gets every order write, as before.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../lambdas/adapters/dynamo/table-schema.js';
import type { Order } from '../../lambdas/core/order.js';
import { EVENT_SOURCE_FUNCTIONS, type FilterPattern } from '../../lambdas/event-sources.js';
import { checkFilter, matchesFilter } from '../../local/event-filter.js';
import { order, statusEntry } from './fixtures.js';

const filterOf = (handler: string): FilterPattern => {
  const source = EVENT_SOURCE_FUNCTIONS.find((f) => f.handler === handler)?.source;
  if (source?.kind !== 'table-stream') throw new Error(`${handler} reads no table stream`);
  return source.filter;
};
const RELAY = filterOf('terms-acceptance-relay');
const FANOUT = filterOf('webhook-fanout');

const DATA_READY = [statusEntry('created', 0), statusEntry('initialized', 1), statusEntry('data-ready', 2)];
const waiting = order({ statuses: DATA_READY });
const accepted: Order = {
  ...waiting,
  acceptance: { acceptedAt: '2025-03-01T10:30:00.000Z', termsVersion: '2025-01', termsLanguage: 'de' },
  version: waiting.version + 1,
};
const registered: Order = {
  ...accepted,
  statuses: [...DATA_READY, statusEntry('terms-accepted', 3)],
  version: accepted.version + 1,
};

/** An order item as the table stores it (its key beside the order's fields), as the stream carries it. */
const image = (o: Order) => marshall({ ...keys.order(o.refId), ...o }, { removeUndefinedValues: true });

/** A stream record as the function gets it (NEW_AND_OLD_IMAGES). */
function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  images: { before?: Order; after?: Order },
  key: Record<string, string> = keys.order(REF),
) {
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: marshall(key),
      ...(images.after ? { NewImage: image(images.after) } : {}),
      ...(images.before ? { OldImage: image(images.before) } : {}),
      SequenceNumber: '000000000000000000001',
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
const REF = waiting.refId;

describe('the relay’s filter: only the write that newly records an acceptance', () => {
  it.each([
    [
      'MODIFY: the acceptance recorded (old image without, new image with)',
      record('MODIFY', { before: waiting, after: accepted }),
    ],
    ['INSERT: an order created with its acceptance (no old image)', record('INSERT', { after: accepted })],
  ])('hands over %s', (_, r) => {
    expect(matchesFilter(RELAY, r)).toBe(true);
  });

  it.each([
    ['INSERT without an acceptance', record('INSERT', { after: order() })],
    ['MODIFY without an acceptance on either side', record('MODIFY', { before: order(), after: waiting })],
    [
      'MODIFY after the acceptance (both images have it)',
      record('MODIFY', { before: accepted, after: registered }),
    ],
    ['REMOVE of an accepted order (old image only)', record('REMOVE', { before: registered })],
    ['REMOVE of an order without an acceptance', record('REMOVE', { before: waiting })],
    [
      'another item’s record shaped like an accepted order',
      record('MODIFY', { before: waiting, after: accepted }, { PK: `ORDER#${REF}`, SK: 'EVIDENCE' }),
    ],
  ])('leaves out %s', (_, r) => {
    expect(matchesFilter(RELAY, r)).toBe(false);
  });
});

describe('the fan-out’s filter: every order write', () => {
  it.each([
    ['INSERT', record('INSERT', { after: order() })],
    ['MODIFY', record('MODIFY', { before: waiting, after: accepted })],
    ['MODIFY after the acceptance', record('MODIFY', { before: accepted, after: registered })],
    ['REMOVE', record('REMOVE', { before: registered })],
  ])('hands over an order’s %s', (_, r) => {
    expect(matchesFilter(FANOUT, r)).toBe(true);
  });

  it('leaves out another item’s record', () => {
    expect(matchesFilter(FANOUT, record('INSERT', { after: order() }, { PK: 'X', SK: 'EVIDENCE' }))).toBe(
      false,
    );
  });
});

describe('Lambda’s filter rules, as the embedded stack evaluates them', () => {
  const present = { exists: true };
  const absent = { exists: false };

  it('matches `exists` on leaves only: a map is no leaf, a missing parent is an absent field', () => {
    const r = { a: { M: { b: { S: 'x' } } } };
    expect(matchesFilter({ a: { M: { b: { S: [present] } } } }, r)).toBe(true);
    expect(matchesFilter({ a: { M: [present] } }, r)).toBe(false);
    expect(matchesFilter({ a: { M: { c: { S: [present] } } } }, r)).toBe(false);
    expect(matchesFilter({ z: { M: { b: { S: [absent] } } } }, r)).toBe(true);
    expect(matchesFilter({ a: { M: { b: { S: [absent] } } } }, r)).toBe(false);
  });

  it('reads a field holding a map as holding no leaf: `exists: false` matches it (Event Ruler’s README)', () => {
    const r = { detail: { state: 'running', 'c-count': { c1: 100 } } };
    expect(matchesFilter({ detail: { 'c-count': [absent] } }, r)).toBe(true);
    expect(matchesFilter({ detail: { 'c-count': [present] } }, r)).toBe(false);
    expect(matchesFilter({ detail: { state: [absent] } }, r)).toBe(false);
  });

  it('reads a list as its items: a value equals a rule if one item does, a nested pattern reaches into them', () => {
    // with-ddb-filtering's example of `exists` on a list: Organizations.L.S, not Organizations.
    const r = {
      dynamodb: {
        NewImage: {
          Organizations: { L: [{ S: 'Sales' }, { S: 'Marketing' }, { S: 'Support' }] },
          Tags: { SS: ['blue', 'green'] },
          Empty: { L: [] },
        },
      },
    };
    const newImage = (p: FilterPattern): FilterPattern => ({ dynamodb: { NewImage: p } });
    expect(matchesFilter(newImage({ Organizations: { L: { S: [present] } } }), r)).toBe(true);
    expect(matchesFilter(newImage({ Organizations: { L: { S: ['Marketing'] } } }), r)).toBe(true);
    expect(matchesFilter(newImage({ Organizations: { L: { S: ['Legal'] } } }), r)).toBe(false);
    expect(matchesFilter(newImage({ Organizations: { L: { S: [absent] } } }), r)).toBe(false);
    expect(matchesFilter(newImage({ Organizations: [present] }), r)).toBe(false);
    expect(matchesFilter(newImage({ Tags: { SS: ['green'] } }), r)).toBe(true);
    expect(matchesFilter(newImage({ Tags: { SS: [present] } }), r)).toBe(true);
    expect(matchesFilter(newImage({ Tags: { SS: [absent] } }), r)).toBe(false);
    expect(matchesFilter(newImage({ Empty: { L: { S: [absent] } } }), r)).toBe(true);
    expect(matchesFilter(newImage({ Empty: { L: { S: [present] } } }), r)).toBe(false);
  });

  it('needs every field of the pattern and one rule of a list: values are compared exactly', () => {
    const r = { dynamodb: { Keys: { SK: { S: 'ORDER' } } }, eventName: 'MODIFY' };
    expect(matchesFilter({ eventName: ['INSERT', 'MODIFY'] }, r)).toBe(true);
    expect(matchesFilter({ eventName: ['modify'] }, r)).toBe(false);
    expect(matchesFilter({ eventName: ['MODIFY'], dynamodb: { Keys: { SK: { S: ['EVIDENCE'] } } } }, r)).toBe(
      false,
    );
  });

  it('reads every pattern of the stack', () => {
    for (const { handler, source } of EVENT_SOURCE_FUNCTIONS)
      if (source.kind === 'table-stream') expect(() => checkFilter(source.filter), handler).not.toThrow();
  });

  it('refuses a pattern with a rule it does not evaluate, rather than evaluate it otherwise than Lambda', () => {
    const prefix = { eventName: [{ prefix: 'MOD' }] } as unknown as FilterPattern;
    expect(() => checkFilter(prefix)).toThrow(
      'Event filter: eventName has a rule the embedded stack does not evaluate: {"prefix":"MOD"}',
    );
    expect(() => checkFilter({ dynamodb: { Keys: [] } })).toThrow('Event filter: dynamodb.Keys has no rule');
    const number = { dynamodb: { Keys: { N: [5] } } } as unknown as FilterPattern;
    expect(() => checkFilter(number)).toThrow(
      'dynamodb.Keys.N has a rule the embedded stack does not evaluate: 5',
    );
  });
});
