/**
 * Transient faults injected by the emulations (never by product code), so that the product's own
 * retries — the AWS SDK's, the state machine's Retry, the partner adapter's — can be watched
 * recovering: DynamoDB throttling and 500s, SNS publish failures, task invocations failing like a
 * Lambda service error. Off unless configured (`--faults 0.05`, `SRS_FAULTS=0.05`); when off the
 * emulations carry no hook at all.
 *
 * Every injected fault and every retry an emulation observes is written as one `[fault]` line to
 * stderr (never with a request's content), so a run can be counted from the stack's output even
 * across a crash.
 */

export const FAULT_KINDS = ['dynamodb', 'sns', 'task'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSettings {
  /** Share of calls that fail, 0 to 1, per kind. */
  rate: number;
  kinds: FaultKind[];
  /** Seed of the pseudo-random sequence (a run with one seed draws the same sequence). */
  seed: number;
}

export interface FaultCounts {
  injected: Record<string, number>;
  retried: Record<string, number>;
}

/** Reads `--faults`/`SRS_FAULTS` (a rate), `--fault-kinds`/`SRS_FAULT_KINDS` and `--fault-seed`/`SRS_FAULT_SEED`. */
export function faultSettingsFrom(input: {
  rate?: string | undefined;
  kinds?: string | undefined;
  seed?: string | undefined;
}): FaultSettings | undefined {
  if (input.rate === undefined || input.rate === '') return undefined;
  const rate = Number(input.rate);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1)
    throw new Error(`The fault rate must be a number from 0 to 1, not ${input.rate}`);
  const kinds = (input.kinds ?? FAULT_KINDS.join(',')).split(',').map((k) => k.trim());
  for (const kind of kinds)
    if (!FAULT_KINDS.includes(kind as FaultKind))
      throw new Error(`Unknown fault kind ${kind}; known: ${FAULT_KINDS.join(', ')}`);
  const seed = input.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(input.seed);
  if (!Number.isInteger(seed)) throw new Error(`The fault seed must be an integer, not ${input.seed}`);
  return { rate, kinds: kinds as FaultKind[], seed };
}

/** mulberry32: small, seedable, good enough to decide which call fails. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly random: () => number;
  private readonly injected = new Map<string, number>();
  private readonly retried = new Map<string, number>();

  constructor(
    readonly settings: FaultSettings,
    options: { random?: () => number; log?: (line: string) => void } = {},
  ) {
    this.random = options.random ?? seededRandom(settings.seed);
    this.log = options.log ?? ((line) => console.error(line));
  }

  private readonly log: (line: string) => void;

  private suspended = 0;

  enabled(kind: FaultKind): boolean {
    return this.suspended === 0 && this.settings.rate > 0 && this.settings.kinds.includes(kind);
  }

  /**
   * Runs the emulator's own set-up without faults: seeding the table at start-up is what the
   * operator's `admin seed` does in AWS, not a call of the service under test.
   */
  async withoutFaults<T>(fn: () => Promise<T>): Promise<T> {
    this.suspended += 1;
    try {
      return await fn();
    } finally {
      this.suspended -= 1;
    }
  }

  /** Decides whether this call fails; if so, which of the variants it gets (logged and counted). */
  pick<T extends string>(kind: FaultKind, variants: readonly T[]): T | undefined {
    if (!this.enabled(kind) || this.random() >= this.settings.rate) return undefined;
    const variant = variants[Math.min(variants.length - 1, Math.floor(this.random() * variants.length))] as T;
    const key = `${kind} ${variant}`;
    this.injected.set(key, (this.injected.get(key) ?? 0) + 1);
    this.log(`[fault] injected ${key}`);
    return variant;
  }

  /** An emulation saw a call repeated (an SDK retry, a state's Retry). */
  observedRetry(kind: FaultKind, detail: string): void {
    const key = `${kind} ${detail}`;
    this.retried.set(key, (this.retried.get(key) ?? 0) + 1);
    this.log(`[fault] retry ${key}`);
  }

  counts(): FaultCounts {
    return { injected: Object.fromEntries(this.injected), retried: Object.fromEntries(this.retried) };
  }
}

/** The SDK's attempt number of a request (`amz-sdk-request: attempt=2; max=3`), 1 when absent. */
export function sdkAttemptOf(header: string | string[] | undefined): number {
  const match = /attempt=(\d+)/.exec(String(header ?? ''));
  return match ? Number(match[1]) : 1;
}
