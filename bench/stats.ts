/** Latency statistics and a bounded worker pool for the benchmark. */

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function summarize(durations: readonly number[]): LatencySummary {
  const sorted = [...durations].sort((a, b) => a - b);
  const total = sorted.reduce((sum, d) => sum + d, 0);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    meanMs: round(sorted.length ? total / sorted.length : 0),
    maxMs: round(sorted.at(-1) ?? 0),
  };
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export interface PoolResult {
  /** Tasks that resolved. */
  completed: number;
  /** Tasks that threw. */
  failed: number;
  /** Tasks never started because the deadline passed. */
  skipped: number;
  /** Wall time of each resolved task, ms. */
  durations: number[];
  elapsedMs: number;
  /**
   * CPU time this process spent during the pool (user + system, every thread: the JIT's and GC's
   * helpers too). Less sensitive than wall time to other processes on a shared machine.
   */
  cpuMs: number;
  errors: string[];
}

/**
 * Runs `task(0..count-1)` with at most `concurrency` in flight, starting no new task after
 * `deadline` (epoch ms). Bounded by count and by time.
 */
export async function runPool(
  count: number,
  concurrency: number,
  deadline: number,
  task: (index: number) => Promise<void>,
): Promise<PoolResult> {
  const result: PoolResult = {
    completed: 0,
    failed: 0,
    skipped: 0,
    durations: [],
    elapsedMs: 0,
    cpuMs: 0,
    errors: [],
  };
  let next = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const worker = async () => {
    while (next < count) {
      if (Date.now() > deadline) {
        result.skipped += count - next;
        next = count;
        return;
      }
      const index = next++;
      const t0 = performance.now();
      try {
        await task(index);
        result.durations.push(performance.now() - t0);
        result.completed += 1;
      } catch (err) {
        result.failed += 1;
        if (result.errors.length < 10) result.errors.push(`#${index}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
  result.elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  return result;
}

/** Rejects after `ms` with a message naming what was awaited. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export { round };
