import { describe, expect, it } from 'vitest';
import {
  ACCEPTED_REASON,
  applyEvent,
  awaitsRegistration,
  currentStatus,
  isFinal,
  type LifecycleEvent,
  type Order,
  STATUSES,
  type Status,
  type StatusEntry,
  type TransitionResult,
  toStatusView,
} from '../../lambdas/core/order.js';
import { IdentificationStatus } from '../../lambdas/core/schemas.js';
import { order, PAPER_STATUS_RESPONSE, statusEntry } from './fixtures.js';

const NOW = new Date('2025-03-01T12:34:56.789Z');

// ---------------------------------------------------------------- the events

const EVENTS = {
  initialized: { type: 'initialized', source: 'service' },
  'waiting-for-doc': { type: 'waiting-for-doc', source: 'isp', reason: 'Person left to fetch the passport' },
  done: { type: 'done', source: 'isp' },
  'data-ready+evidence': { type: 'data-ready', source: 'service', evidenceId: 'ev-new' },
  'data-ready-evidence': { type: 'data-ready', source: 'isp' },
  'terms-accepted': {
    type: 'terms-accepted',
    source: 'person',
    distinguishedName: 'gn=Hans, sn=Muster, cn=Hans Muster, c=CH',
  },
  'cancelled:user': { type: 'cancelled', source: 'isp', kind: 'user', reason: 'User closed the window' },
  'cancelled:isp': { type: 'cancelled', source: 'isp', kind: 'isp', reason: 'Operator ended the call' },
  'cancelled:unsuccessful': {
    type: 'cancelled',
    source: 'isp',
    kind: 'unsuccessful',
    reason: 'Passport photo page unreadable',
  },
  'cancelled:expired': { type: 'cancelled', source: 'service', kind: 'expired', reason: null },
  failed: { type: 'failed', source: 'service', reason: 'ISP rejected the order' },
} as const satisfies Record<string, LifecycleEvent>;
type EventName = keyof typeof EVENTS;

// ---------------------------------------------------------------- an order in every state

/**
 * Each state reached along the happy path, every step recorded; the final ones end early:
 * cancelled = created, initialized, cancelled (kind user); failed = created, failed.
 */
const IN_STATE: Record<Status, () => Order> = {
  created: () => order({ statuses: [statusEntry('created', 0)] }),
  initialized: () => order({ statuses: [statusEntry('created', 0), statusEntry('initialized', 1)] }),
  'waiting-for-doc': () =>
    order({
      statuses: [statusEntry('created', 0), statusEntry('initialized', 1), statusEntry('waiting-for-doc', 5)],
    }),
  done: () =>
    order({
      statuses: [
        statusEntry('created', 0),
        statusEntry('initialized', 1),
        statusEntry('waiting-for-doc', 5),
        statusEntry('done', 20),
      ],
    }),
  'data-ready': () =>
    order({
      evidenceId: 'ev-1',
      statuses: [
        statusEntry('created', 0),
        statusEntry('initialized', 1),
        statusEntry('waiting-for-doc', 5),
        statusEntry('done', 20),
        statusEntry('data-ready', 21),
      ],
    }),
  'terms-accepted': () =>
    order({
      evidenceId: 'ev-1',
      statuses: [
        statusEntry('created', 0),
        statusEntry('initialized', 1),
        statusEntry('waiting-for-doc', 5),
        statusEntry('done', 20),
        statusEntry('data-ready', 21),
        statusEntry('terms-accepted', 30),
      ],
    }),
  cancelled: () =>
    order({
      statuses: [
        statusEntry('created', 0),
        statusEntry('initialized', 1),
        statusEntry('cancelled', 3, { kind: 'user', reason: 'User closed the window' }),
      ],
    }),
  failed: () =>
    order({
      statuses: [statusEntry('created', 0), statusEntry('failed', 1, { reason: 'ISP rejected the order' })],
    }),
};

// ---------------------------------------------------------------- the expected table

type Outcome = TransitionResult['outcome'];
const A: Outcome = 'applied';
const D: Outcome = 'duplicate';
const S: Outcome = 'stale';
const R: Outcome = 'rejected';

/** The columns of the table, in order. */
const COLUMNS = [
  'initialized',
  'waiting-for-doc',
  'done',
  'data-ready+evidence',
  'data-ready-evidence',
  'terms-accepted',
  'cancelled:user',
  'cancelled:isp',
  'cancelled:unsuccessful',
  'cancelled:expired',
  'failed',
] as const satisfies readonly EventName[];

/**
 * Written from the lifecycle rules (DESIGN.md, "Lifecycle"), not from the implementation:
 * forward steps may skip, `data-ready` needs evidence, `terms-accepted` needs `data-ready`,
 * `initialized` needs `created`, cancel/fail from every non-final state, nothing changes a final
 * order, and an event already in the history is a duplicate (checked first).
 */
// biome-ignore format: the table is easier to read aligned
const TABLE: Record<Status, Outcome[]> = {
  //                 init wait done dr+ev dr-ev terms c:user c:isp c:unsucc c:expired failed
  created:          [ A,   R,   R,   R,    R,    R,    A,     A,    A,       A,        A ],
  initialized:      [ D,   A,   A,   A,    R,    R,    A,     A,    A,       A,        A ],
  'waiting-for-doc':[ D,   D,   A,   A,    R,    R,    A,     A,    A,       A,        A ],
  done:             [ D,   D,   D,   A,    R,    R,    A,     A,    A,       A,        A ],
  'data-ready':     [ D,   D,   D,   D,    D,    A,    A,     A,    A,       A,        A ],
  'terms-accepted': [ D,   D,   D,   D,    D,    D,    R,     R,    R,       R,        R ],
  cancelled:        [ D,   R,   R,   R,    R,    R,    D,     R,    R,       R,        R ],
  failed:           [ R,   R,   R,   R,    R,    R,    R,     R,    R,       R,        D ],
};

/** States reached by skipping steps, where an earlier step arriving late is stale. */
// biome-ignore format: the table is easier to read aligned
const SKIPPED: { name: string; history: Status[]; evidenceId: string | null; expected: Partial<Record<EventName, Outcome>> }[] = [
  { name: 'done without waiting-for-doc', history: ['created', 'initialized', 'done'], evidenceId: null,
    expected: { initialized: D, 'waiting-for-doc': S, done: D, 'data-ready+evidence': A, 'terms-accepted': R } },
  { name: 'data-ready straight after initialized', history: ['created', 'initialized', 'data-ready'], evidenceId: 'ev-1',
    expected: { initialized: D, 'waiting-for-doc': S, done: S, 'data-ready-evidence': D, 'terms-accepted': A } },
  { name: 'data-ready without done', history: ['created', 'initialized', 'waiting-for-doc', 'data-ready'], evidenceId: 'ev-1',
    expected: { 'waiting-for-doc': D, done: S, 'terms-accepted': A, failed: A } },
  { name: 'done straight after initialized, then cancelled', history: ['created', 'initialized', 'done', 'cancelled'], evidenceId: null,
    expected: { 'waiting-for-doc': R, done: D, 'data-ready+evidence': R } },
  { name: 'terms-accepted after skipping to data-ready', history: ['created', 'initialized', 'data-ready', 'terms-accepted'], evidenceId: 'ev-1',
    expected: { 'waiting-for-doc': R, done: R, 'terms-accepted': D, 'cancelled:expired': R } },
];

// ---------------------------------------------------------------- helpers

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const CELLS = STATUSES.flatMap((state) =>
  COLUMNS.map((event, column) => ({ state, event, expected: TABLE[state][column] as Outcome })),
);

function expectedEntry(event: LifecycleEvent): StatusEntry {
  return {
    status: event.type,
    date: NOW.toISOString(),
    reason: 'reason' in event ? (event.reason ?? null) : null,
    kind: event.type === 'cancelled' ? event.kind : null,
  };
}

// ---------------------------------------------------------------- tests

describe('applyEvent', () => {
  it('covers every state and every event in the expected table', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...STATUSES].sort());
    expect([...COLUMNS].sort()).toEqual(Object.keys(EVENTS).sort());
    for (const row of Object.values(TABLE)) expect(row).toHaveLength(COLUMNS.length);
    expect(CELLS).toHaveLength(8 * 11);
  });

  it('builds each state fixture in that state', () => {
    for (const state of STATUSES) expect(currentStatus(IN_STATE[state]())).toBe(state);
  });

  describe.each(CELLS)('in state $state, event $event', ({ state, event, expected }) => {
    it(`is ${expected}`, () => {
      // Prepare
      const before = IN_STATE[state]();

      // Act
      const result = applyEvent(before, EVENTS[event], NOW);

      // Assess
      expect(result.outcome).toBe(expected);
    });

    it('never mutates the order it is given', () => {
      const before = deepFreeze(IN_STATE[state]());
      const snapshot = structuredClone(before);

      applyEvent(before, EVENTS[event], NOW);

      expect(before).toEqual(snapshot);
    });

    if (expected === 'applied') {
      it('appends one {status, date, reason, kind} entry and increments the version by 1', () => {
        const before = IN_STATE[state]();
        const ev = EVENTS[event];

        const result = applyEvent(before, ev, NOW);

        if (result.outcome !== 'applied') throw new Error(`expected applied, got ${result.outcome}`);
        expect(result.entry).toStrictEqual(expectedEntry(ev));
        expect(Object.keys(result.entry)).toEqual(['status', 'date', 'reason', 'kind']);
        expect(result.order.statuses).toEqual([...before.statuses, result.entry]);
        expect(result.order.version).toBe(before.version + 1);
        expect(currentStatus(result.order)).toBe(ev.type);
        expect(result.order).not.toBe(before);
        expect(result.order.statuses).not.toBe(before.statuses);
      });

      it('changes nothing else than history, version, evidence and the registered name', () => {
        const before = IN_STATE[state]();

        const result = applyEvent(before, EVENTS[event], NOW);

        if (result.outcome !== 'applied') throw new Error(`expected applied, got ${result.outcome}`);
        const { statuses: _s, version: _v, evidenceId: _e, distinguishedName: dn, ...rest } = result.order;
        const { statuses: _s0, version: _v0, evidenceId: _e0, ...restBefore } = before;
        expect(rest).toEqual(restBefore);
        expect(result.order.evidenceId).toBe(event === 'data-ready+evidence' ? 'ev-new' : before.evidenceId);
        expect(dn).toBe(
          event === 'terms-accepted' ? 'gn=Hans, sn=Muster, cn=Hans Muster, c=CH' : before.distinguishedName,
        );
      });
    } else {
      it('returns no order and no entry', () => {
        const result = applyEvent(IN_STATE[state](), EVENTS[event], NOW);

        expect(result).not.toHaveProperty('order');
        expect(result).not.toHaveProperty('entry');
        if (result.outcome === 'rejected') expect(result.reason).toEqual(expect.any(String));
      });
    }
  });

  describe.each(SKIPPED)('after steps were skipped ($name)', ({ history, evidenceId, expected }) => {
    const build = () =>
      order({
        evidenceId,
        statuses: history.map((s, i) =>
          statusEntry(s, i, s === 'cancelled' ? { kind: 'isp', reason: 'Operator ended the call' } : {}),
        ),
      });

    it.each(Object.entries(expected) as [EventName, Outcome][])('answers %s with %s', (event, outcome) => {
      expect(applyEvent(build(), EVENTS[event], NOW).outcome).toBe(outcome);
    });
  });

  describe('rules in detail', () => {
    it('walks the whole happy path, one version per step', () => {
      // Prepare
      const steps: LifecycleEvent[] = [
        EVENTS.initialized,
        EVENTS['waiting-for-doc'],
        EVENTS.done,
        EVENTS['data-ready+evidence'],
        EVENTS['terms-accepted'],
      ];
      let current = order();

      // Act
      for (const step of steps) {
        const result = applyEvent(current, step, NOW);
        if (result.outcome !== 'applied') throw new Error(`${step.type}: ${result.outcome}`);
        current = result.order;
      }

      // Assess
      expect(current.statuses.map((s) => s.status)).toEqual([
        'created',
        'initialized',
        'waiting-for-doc',
        'done',
        'data-ready',
        'terms-accepted',
      ]);
      expect(current.version).toBe(order().version + 5);
      expect(current.evidenceId).toBe('ev-new');
      expect(isFinal(currentStatus(current))).toBe(true);
    });

    it('accepts data-ready without evidence in the event when the evidence was imported before', () => {
      const before = order({ ...IN_STATE.done(), evidenceId: 'ev-imported' });

      const result = applyEvent(before, EVENTS['data-ready-evidence'], NOW);

      expect(result).toMatchObject({ outcome: 'applied', order: { evidenceId: 'ev-imported' } });
    });

    it('takes the evidence id of the event over one already stored', () => {
      const before = order({ ...IN_STATE.done(), evidenceId: 'ev-old' });

      const result = applyEvent(before, EVENTS['data-ready+evidence'], NOW);

      expect(result).toMatchObject({ outcome: 'applied', order: { evidenceId: 'ev-new' } });
    });

    it('treats data-ready with an empty evidence id as without evidence', () => {
      const result = applyEvent(IN_STATE.done(), { type: 'data-ready', source: 'isp', evidenceId: '' }, NOW);

      expect(result).toEqual({ outcome: 'rejected', reason: 'Data ready requires imported evidence.' });
    });

    it('acknowledges a repeated cancellation of the same kind as a duplicate even with another reason', () => {
      const result = applyEvent(
        IN_STATE.cancelled(),
        { type: 'cancelled', source: 'isp', kind: 'user', reason: 'different wording' },
        NOW,
      );

      expect(result).toEqual({ outcome: 'duplicate' });
    });

    it('rejects a cancellation of another kind once cancelled, naming the final state', () => {
      expect(applyEvent(IN_STATE.cancelled(), EVENTS['cancelled:isp'], NOW)).toEqual({
        outcome: 'rejected',
        reason: 'The order is already cancelled.',
      });
    });

    it('acknowledges a repeated failure as a duplicate whatever its reason', () => {
      expect(
        applyEvent(IN_STATE.failed(), { type: 'failed', source: 'service', reason: 'other' }, NOW),
      ).toEqual({
        outcome: 'duplicate',
      });
    });

    it('records the cancellation kind and the ISP’s reason', () => {
      const result = applyEvent(IN_STATE['waiting-for-doc'](), EVENTS['cancelled:unsuccessful'], NOW);

      expect(result).toMatchObject({
        outcome: 'applied',
        entry: {
          status: 'cancelled',
          date: '2025-03-01T12:34:56.789Z',
          reason: 'Passport photo page unreadable',
          kind: 'unsuccessful',
        },
      });
    });

    it('records a null reason and kind for a step without them', () => {
      const result = applyEvent(IN_STATE.created(), EVENTS.initialized, NOW);

      expect(result).toMatchObject({
        outcome: 'applied',
        entry: { status: 'initialized', date: NOW.toISOString(), reason: null, kind: null },
      });
    });

    it('records the failure reason', () => {
      const result = applyEvent(IN_STATE.initialized(), EVENTS.failed, NOW);

      expect(result).toMatchObject({
        outcome: 'applied',
        entry: { status: 'failed', reason: 'ISP rejected the order' },
      });
    });

    it('gives the reasons for rejecting steps', () => {
      expect(applyEvent(IN_STATE.initialized(), EVENTS['terms-accepted'], NOW)).toEqual({
        outcome: 'rejected',
        reason: 'Terms can be accepted once the evidence is ready.',
      });
      expect(applyEvent(IN_STATE.created(), EVENTS.done, NOW)).toEqual({
        outcome: 'rejected',
        reason: 'The order has not been opened with the ISP yet.',
      });
      expect(applyEvent(IN_STATE.failed(), EVENTS.initialized, NOW)).toEqual({
        outcome: 'rejected',
        reason: 'The order is already failed.',
      });
    });

    describe('an order whose terms acceptance is recorded (ADR 0022)', () => {
      const accepted = () =>
        ({
          ...IN_STATE['data-ready'](),
          acceptance: { acceptedAt: NOW.toISOString(), termsVersion: '2026-11', termsLanguage: 'en' },
        }) satisfies Order;

      it.each(['cancelled:user', 'cancelled:isp', 'cancelled:unsuccessful', 'cancelled:expired'] as const)(
        'refuses %s: the person was thanked, the order is registered',
        (name) => {
          expect(applyEvent(accepted(), EVENTS[name], NOW)).toEqual({
            outcome: 'rejected',
            reason: ACCEPTED_REASON,
          });
          expect(awaitsRegistration(accepted())).toBe(true);
        },
      );

      it('still goes on to terms-accepted, and still fails when a step of ours fails for good', () => {
        expect(applyEvent(accepted(), EVENTS['terms-accepted'], NOW).outcome).toBe('applied');
        expect(applyEvent(accepted(), EVENTS.failed, NOW).outcome).toBe('applied');
      });

      it('does not await the registration without an acceptance, nor once registered', () => {
        expect(awaitsRegistration(IN_STATE['data-ready']())).toBe(false);
        expect(
          awaitsRegistration({ ...IN_STATE['terms-accepted'](), acceptance: accepted().acceptance }),
        ).toBe(false);
      });
    });

    it('throws on an order without history', () => {
      expect(() => applyEvent(order({ statuses: [] }), EVENTS.initialized, NOW)).toThrow(
        /without status history/,
      );
    });
  });
});

describe('currentStatus and isFinal', () => {
  it('takes the last entry of the history as the current status', () => {
    expect(currentStatus({ statuses: [statusEntry('created', 0), statusEntry('initialized', 1)] })).toBe(
      'initialized',
    );
  });

  it('throws on an empty history', () => {
    expect(() => currentStatus({ statuses: [] })).toThrow();
  });

  it.each(STATUSES.map((s) => [s, ['terms-accepted', 'cancelled', 'failed'].includes(s)] as const))(
    'says whether %s is final (%s)',
    (status, final) => {
      expect(isFinal(status)).toBe(final);
    },
  );
});

describe('toStatusView', () => {
  /** An order holding exactly what the paper's status response shows. */
  const paperOrder = () =>
    order({
      refId: PAPER_STATUS_RESPONSE.refId,
      ispOrderId: PAPER_STATUS_RESPONSE.orderId,
      issuer: 'test',
      adapter: 'fake',
      method: 'video',
      person: { ...order().person, mobile: '+41775383140' },
      evidenceId: null,
      statuses: PAPER_STATUS_RESPONSE.statuses.map((s) => ({ ...s })),
    });

  it('reproduces the paper’s status response exactly', () => {
    expect(toStatusView(paperOrder())).toStrictEqual(PAPER_STATUS_RESPONSE);
  });

  it('has exactly the paper’s fields, in the paper’s order', () => {
    const view = toStatusView(paperOrder());

    expect(Object.keys(view)).toEqual([
      'refId',
      'orderId',
      'issuer',
      'adapter',
      'method',
      'mobile',
      'evidenceId',
      'statuses',
    ]);
    for (const entry of view.statuses)
      expect(Object.keys(entry)).toEqual(['status', 'date', 'reason', 'kind']);
  });

  it('satisfies the IdentificationStatus response schema', () => {
    expect(IdentificationStatus.safeParse(toStatusView(order())).success).toBe(true);
  });

  it('adds the registered name after the paper’s fields once registered, and only then', () => {
    const registered = toStatusView(order({ distinguishedName: 'gn=Hans, sn=Müller, cn=Hans Müller, c=CH' }));

    expect(Object.keys(registered).slice(-2)).toEqual(['statuses', 'distinguishedName']);
    expect(registered.distinguishedName).toBe('gn=Hans, sn=Müller, cn=Hans Müller, c=CH');
    expect(IdentificationStatus.safeParse(registered).success).toBe(true);
    expect('distinguishedName' in toStatusView(order())).toBe(false);
  });

  it('uses the refId as orderId until the ISP’s order id is known', () => {
    const view = toStatusView(order({ ispOrderId: null }));

    expect(view.orderId).toBe(view.refId);
  });

  it('shows the evidence id once imported and the cancellation kind and reason', () => {
    const cancelled = order({
      evidenceId: 'ev-9',
      statuses: [
        statusEntry('created', 0),
        statusEntry('cancelled', 1, { kind: 'expired', reason: 'timeout' }),
      ],
    });

    const view = toStatusView(cancelled);

    expect(view.evidenceId).toBe('ev-9');
    expect(view.statuses[1]).toEqual({
      status: 'cancelled',
      date: statusEntry('cancelled', 1).date,
      reason: 'timeout',
      kind: 'expired',
    });
  });

  it('reveals no other person data, client, token or internal field', () => {
    const json = JSON.stringify(
      toStatusView(
        order({
          waitTokens: { evidence: 'task-token-evidence-secret', terms: 'task-token-terms-secret' },
          termsSms: { sentAt: 'a', expiresAt: 'b', tokenHash: 'terms-token-hash', count: 1 },
        }),
      ),
    );

    for (const secret of ['task-token-evidence-secret', 'task-token-terms-secret', 'terms-token-hash'])
      expect(json).not.toContain(secret);

    for (const secret of [
      'hans.muster@swisscom.com',
      '1978-02-28',
      'Muster',
      'bank-client',
      'opaque-sp-state',
    ])
      expect(json).not.toContain(secret);
    expect(json).not.toContain('version');
    expect(json).not.toContain('targetURL');
  });

  it('copies the history, so that changing the view does not change the order', () => {
    const o = order();
    const view = toStatusView(o);

    const first = view.statuses[0];
    if (first) first.status = 'tampered';

    expect(o.statuses[0]?.status).toBe('created');
  });
});
