/**
 * The lifecycle's answers to concurrent writers, against the embedded DynamoDB: two evidence
 * imports for one order at once, and an order mutation that keeps losing the race for the
 * order's version. The races are made certain, not hoped for: a gate holds the first readers
 * until all have read, and a rival writer changes the order before each of the mutation's writes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../../lambdas/core/errors.js';
import type { Order } from '../../lambdas/core/order.js';
import { Problem } from '../../lambdas/core/problems.js';
import { bump, MUTATION_ATTEMPTS, mutateOrder } from '../../lambdas/usecases/order-mutation.js';
import { importEvidence } from '../../lambdas/usecases/partner-messages.js';
import type { TaskCallbackPort } from '../../lambdas/usecases/ports/workflow.js';
import { evidenceFor } from '../support/isp.js';
import { startTableStore, type TableStore } from '../support/table.js';
import { order, statusEntry, T0 } from '../unit/fixtures.js';

let table: TableStore;
beforeAll(async () => {
  table = await startTableStore();
});
afterAll(async () => table.close());

const NOW = new Date(T0.getTime() + 20 * 60_000);
const callbacks: TaskCallbackPort = { succeed: async () => true, fail: async () => true };

/** An order opened with Test-ISP whose partner reported `done`: the evidence comes next. */
async function orderAwaitingEvidence(): Promise<Order> {
  const o = order({
    refId: randomUUID(),
    statuses: [
      statusEntry('created', 0),
      statusEntry('initialized', 1),
      statusEntry('waiting-for-doc', 2),
      statusEntry('done', 10),
    ],
  });
  await table.store.createOrder(o);
  return o;
}

/** Lets the first `parties` callers through together, once all of them have arrived; later callers pass at once. */
function gate(parties: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return async () => {
    arrived += 1;
    if (arrived === parties) open();
    if (arrived <= parties) await opened;
  };
}

/**
 * The repository, but each import's first look for existing evidence waits until both imports
 * have looked: both find none, both try to write.
 */
function racingImports() {
  const bothHaveLooked = gate(2);
  const writes = { attempted: 0 };
  const store = Object.assign(Object.create(table.store) as TableStore['store'], {
    getEvidence: async (refId: string) => {
      const found = await table.store.getEvidence(refId);
      await bothHaveLooked();
      return found;
    },
    createEvidence: async (...args: Parameters<TableStore['store']['createEvidence']>) => {
      writes.attempted += 1;
      return table.store.createEvidence(...args);
    },
  });
  return { deps: { repository: store, callbacks, now: () => NOW }, writes };
}

describe('two evidence imports for one order at once', () => {
  it('the same evidence twice: both are answered with the one evidence id, the order becomes data-ready once', async () => {
    // Prepare
    const o = await orderAwaitingEvidence();
    const evidence = evidenceFor({ mobile: o.person.mobile, method: 'test' });
    const { deps, writes } = racingImports();

    // Act
    const results = await Promise.all([
      importEvidence(deps, 'Test-ISP', { refId: o.refId, evidence }, 'jws-1'),
      importEvidence(deps, 'Test-ISP', { refId: o.refId, evidence }, 'jws-2'),
    ]);

    // Assess: both wrote, one won; the loser took the winner's evidence as its own.
    expect(writes.attempted).toBe(2);
    const stored = await table.store.getEvidence(o.refId);
    expect(results.map((r) => r.evidenceId)).toEqual([stored?.evidenceId, stored?.evidenceId]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['applied', 'duplicate']);
    const after = await table.store.getOrder(o.refId);
    expect(after?.evidenceId).toBe(stored?.evidenceId);
    expect(after?.statuses.map((s) => s.status)).toEqual([
      'created',
      'initialized',
      'waiting-for-doc',
      'done',
      'data-ready',
    ]);
  });

  it('two different evidences: one is imported, the other is refused as a replacement and leaves nothing', async () => {
    // Prepare
    const o = await orderAwaitingEvidence();
    const hans = evidenceFor({ mobile: o.person.mobile, method: 'test' }, { givenName: 'Hans' });
    const fritz = evidenceFor({ mobile: o.person.mobile, method: 'test' }, { givenName: 'Fritz' });
    const { deps, writes } = racingImports();

    // Act
    const results = await Promise.allSettled([
      importEvidence(deps, 'Test-ISP', { refId: o.refId, evidence: hans }, 'jws-hans'),
      importEvidence(deps, 'Test-ISP', { refId: o.refId, evidence: fritz }, 'jws-fritz'),
    ]);

    // Assess
    expect(writes.attempted).toBe(2);
    const imported = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(imported).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const reason = (refused[0] as PromiseRejectedResult).reason as Problem;
    expect(reason).toBeInstanceOf(Problem);
    expect(reason.status).toBe(409);
    expect(reason.detail).toMatch(/cannot be replaced/);
    const stored = await table.store.getEvidence(o.refId);
    const winner = results[0]?.status === 'fulfilled' ? 'jws-hans' : 'jws-fritz';
    expect(stored?.jws).toBe(winner);
    expect((await table.store.getOrder(o.refId))?.evidenceId).toBe(stored?.evidenceId);
  });
});

describe('an order mutation that keeps losing the race for the order’s version', () => {
  /** The repository, but a rival writer changes the order before each of the first `times` saves. */
  function rivalWritesBeforeSaves(times: number) {
    const rival = { writes: 0 };
    const store = Object.assign(Object.create(table.store) as TableStore['store'], {
      saveOrder: async (next: Order) => {
        if (rival.writes < times) {
          const current = (await table.store.getOrder(next.refId)) as Order;
          await table.store.saveOrder(bump(current, { state: `rival ${rival.writes + 1}` }));
          rival.writes += 1;
        }
        return table.store.saveOrder(next);
      },
    });
    return { store, rival };
  }
  const mine = (o: Order) => ({ save: bump(o, { state: 'mine' }), result: 'decided' });

  it(`gives up after ${MUTATION_ATTEMPTS} lost races with a TransientError (retried later), leaving the rival's order`, async () => {
    // Prepare
    const o = await orderAwaitingEvidence();
    const { store, rival } = rivalWritesBeforeSaves(Number.POSITIVE_INFINITY);

    // Act
    const attempt = mutateOrder(store, o.refId, mine);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
    expect(rival.writes).toBe(MUTATION_ATTEMPTS);
    const stored = await table.store.getOrder(o.refId);
    expect(stored).toMatchObject({
      state: `rival ${MUTATION_ATTEMPTS}`,
      version: o.version + MUTATION_ATTEMPTS,
    });
  });

  it('wins on its last attempt after one race fewer, deciding on the order as the rival left it', async () => {
    const o = await orderAwaitingEvidence();
    const { store, rival } = rivalWritesBeforeSaves(MUTATION_ATTEMPTS - 1);

    const { order: saved, result } = await mutateOrder(store, o.refId, mine);

    expect(result).toBe('decided');
    expect(rival.writes).toBe(MUTATION_ATTEMPTS - 1);
    expect(saved).toMatchObject({ state: 'mine', version: o.version + MUTATION_ATTEMPTS });
    await expect(table.store.getOrder(o.refId)).resolves.toStrictEqual(saved);
  });

  it('passes an error other than a lost race through at once, without another attempt', async () => {
    const o = await orderAwaitingEvidence();
    const failure = new Error('throttled');
    let saves = 0;
    const store = Object.assign(Object.create(table.store) as TableStore['store'], {
      saveOrder: async () => {
        saves += 1;
        throw failure;
      },
    });

    await expect(mutateOrder(store, o.refId, mine)).rejects.toBe(failure);
    expect(saves).toBe(1);
  });
});
