/**
 * The verify calls counted per claimed identity and month, for invoicing (the rest of usage:
 * usage.ts). Its own module because the verify function loads it: it imports no schema and no
 * pricing, so verify builds none at cold start.
 */
import type { UsageLog, VerifyCounterKey } from './ports/usage.js';

export type { VerifyCounterKey };

export type VerifyCounterPort = Pick<UsageLog, 'addVerifyCounts'>;

/** Counter items per claimed identity and month: spreads a busy identity's writes. */
export const VERIFY_COUNTER_SHARDS = 8;

/**
 * Counts verify calls without a write after the answer is known. A call adds itself to the
 * instance's pending counts; when the last write is `flushIntervalMs` old, the pending counts go
 * out with one `ADD` per claimed identity that runs beside the registration read. The call's outcome
 * (positive or negative) joins the pending counts after the answer and goes out with a later call.
 * With calls further apart than the interval every call is written at once; a busy instance
 * writes once per interval. What an instance holds when Lambda retires it is lost: at most one
 * interval's calls, and the outcome of its last call.
 */
export class VerifyCallCounter {
  private readonly pending = new Map<
    string,
    { key: VerifyCounterKey; calls: number; positive: number; negative: number }
  >();
  private lastWrite = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly port: VerifyCounterPort,
    private readonly options: { flushIntervalMs: number; now?: () => number; shard?: () => number },
  ) {}

  /** Adds one call; writes the pending counts if the last write is old enough. Never throws. */
  async count(key: VerifyCounterKey, onError: (err: unknown) => void): Promise<void> {
    this.add(key, { calls: 1, positive: 0, negative: 0 });
    const now = (this.options.now ?? Date.now)();
    if (now - this.lastWrite < this.options.flushIntervalMs) return;
    this.lastWrite = now;
    const batch = [...this.pending.values()];
    this.pending.clear();
    const shard = this.options.shard ?? (() => Math.floor(Math.random() * VERIFY_COUNTER_SHARDS));
    await Promise.all(
      batch.map(async ({ key: k, ...delta }) => {
        try {
          await this.port.addVerifyCounts({ ...k, shard: shard() }, delta);
        } catch (err) {
          // Keep the counts for the next write.
          this.add(k, delta);
          onError(err);
        }
      }),
    );
  }

  /** The answer of a counted call, written with a later one. */
  outcome(key: VerifyCounterKey, positive: boolean): void {
    this.add(key, { calls: 0, positive: positive ? 1 : 0, negative: positive ? 0 : 1 });
  }

  private add(key: VerifyCounterKey, delta: { calls: number; positive: number; negative: number }): void {
    // Neither a client id, a claimed identity id nor a month holds a line break.
    const id = `${key.clientId}\n${key.claimedIdentity}\n${key.month}`;
    const entry = this.pending.get(id) ?? { key, calls: 0, positive: 0, negative: 0 };
    entry.calls += delta.calls;
    entry.positive += delta.positive;
    entry.negative += delta.negative;
    this.pending.set(id, entry);
  }
}
