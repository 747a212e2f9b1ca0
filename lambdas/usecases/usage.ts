/**
 * Usage for invoicing: billable identification events projected from orders, verify calls
 * counted per claimed identity, and a month's figures and statement per SP.
 */
import type { Repository } from '../adapters/dynamo/repository.js';
import type { Order } from '../core/order.js';
import {
  countIdentifications,
  enabledMethods,
  type SpUsage,
  type Statement,
  statementOf,
  sumVerifyCounts,
  usageRecordsOf,
} from '../core/usage.js';

export type UsagePort = Pick<Repository, 'putUsageRecords'>;

/**
 * Writes the billable events of an order's whole history. Called after every write of the order
 * and again when a step or a partner repeats itself: whatever a crashed function left unwritten
 * is written by the retry, and what was written already is written identically.
 */
export async function recordUsage(repository: UsagePort, order: Order): Promise<void> {
  await repository.putUsageRecords(usageRecordsOf(order));
}

/** One SP's counts in one month. */
export async function usageOf(
  repository: Pick<Repository, 'usageOf'>,
  clientId: string,
  month: string,
): Promise<SpUsage> {
  const { events, verify } = await repository.usageOf(clientId, month);
  return { month, clientId, identifications: countIdentifications(events), verify: sumVerifyCounts(verify) };
}

export interface MonthlyUsage {
  usage: SpUsage;
  statement: Statement;
}

/** One SP's month: its counts and the statement its price sheet makes of them (undefined: no SP setup). */
export async function monthlyUsage(
  repository: Pick<Repository, 'usageOf' | 'getSpSetup' | 'listIsps'>,
  clientId: string,
  month: string,
): Promise<MonthlyUsage | undefined> {
  const [usage, sp, isps] = await Promise.all([
    usageOf(repository, clientId, month),
    repository.getSpSetup(clientId),
    repository.listIsps(),
  ]);
  if (!sp) return undefined;
  return { usage, statement: statementOf(usage, sp, enabledMethods(isps, sp)) };
}

// ---------------------------------------------------------------- verify calls

export interface VerifyCounterKey {
  clientId: string;
  claimedIdentity: string;
  month: string;
}

export interface VerifyCounterPort {
  addVerifyCounts(
    key: VerifyCounterKey & { shard: number },
    delta: { calls: number; positive: number; negative: number },
  ): Promise<void>;
}

/** Counter items per claimed identity and month: spreads a busy identity's writes. */
export const VERIFY_COUNTER_SHARDS = 8;

/**
 * Counts verify calls without a write after the answer is known. A call adds itself to `calls`
 * with a write that runs beside the registration read; its outcome is remembered and added by the
 * next write of this function instance. `calls` is therefore exact; positive + negative trail it
 * by the outcomes an instance had not yet written when it was retired (at most one per instance).
 */
export class VerifyCallCounter {
  private readonly outcomes = new Map<
    string,
    { key: VerifyCounterKey; positive: number; negative: number }
  >();

  constructor(
    private readonly port: VerifyCounterPort,
    private readonly shard: () => number = () => Math.floor(Math.random() * VERIFY_COUNTER_SHARDS),
  ) {}

  /** Adds one call, and the outcomes remembered so far, to the counters. Never throws. */
  async count(key: VerifyCounterKey, onError: (err: unknown) => void): Promise<void> {
    const pending = [...this.outcomes.entries()];
    this.outcomes.clear();
    const id = JSON.stringify(key);
    const own = pending.find(([k]) => k === id);
    const writes = [
      { key, delta: { calls: 1, positive: own?.[1].positive ?? 0, negative: own?.[1].negative ?? 0 } },
      ...pending.filter(([k]) => k !== id).map(([, p]) => ({ key: p.key, delta: { calls: 0, ...p } })),
    ];
    await Promise.all(
      writes.map(async ({ key: k, delta }) => {
        try {
          await this.port.addVerifyCounts(
            { ...k, shard: this.shard() },
            { calls: delta.calls, positive: delta.positive, negative: delta.negative },
          );
        } catch (err) {
          // Keep the outcomes for the next write; the call itself is lost from `calls`.
          this.remember(k, delta.positive, delta.negative);
          onError(err);
        }
      }),
    );
  }

  /** The answer of a counted call, written with the next one. */
  outcome(key: VerifyCounterKey, positive: boolean): void {
    this.remember(key, positive ? 1 : 0, positive ? 0 : 1);
  }

  private remember(key: VerifyCounterKey, positive: number, negative: number): void {
    const id = JSON.stringify(key);
    const entry = this.outcomes.get(id) ?? { key, positive: 0, negative: 0 };
    entry.positive += positive;
    entry.negative += negative;
    this.outcomes.set(id, entry);
  }
}
