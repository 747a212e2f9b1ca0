/**
 * How sure a cold-start ratio is: a function's median over its floor's median, from paired samples
 * (the floor's i-th process started right before the function's i-th), with a seeded percentile
 * bootstrap interval over the pairs and a verdict against a goal. Pure: no I/O, no clock; the same
 * samples and seed give the same interval (docs/benchmarks.md §3, "How sure a ratio is").
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { median, round } from './stats.js';

/** Where a ratio stands against its goal, from its interval's bounds. */
export type Verdict = 'under' | 'over' | 'undecided' | 'not measurable';

export interface RatioInterval {
  /** median(function) / median(floor), two decimals; null when the floor's median is 0 (not measurable). */
  ratio: number | null;
  /** The interval's bounds (two decimals); null when it cannot be formed (see `reason`). */
  low: number | null;
  high: number | null;
  /** under: high ≤ goal; over: low > goal; undecided: the interval holds the goal. */
  verdict: Verdict;
  /** Why the ratio or its interval is not measurable. */
  reason?: string;
}

export interface BootstrapSettings {
  /** Resamples of the pairs (each one n pairs drawn with replacement). */
  resamples: number;
  /** Two-sided: 0.95 leaves 2.5 % of the resampled ratios below the interval and 2.5 % above. */
  confidence: number;
  /** The generator's seed: with the samples, it fixes the interval. */
  seed: number;
}

export const BOOTSTRAP: BootstrapSettings = { resamples: 4000, confidence: 0.95, seed: 1 };

/** a / b, or undefined when b is not a positive number (a ratio to nothing measures nothing). */
export function ratioOrUndefined(a: number, b: number): number | undefined {
  return b > 0 && Number.isFinite(a) && Number.isFinite(b) ? a / b : undefined;
}

/** Draws an index from 0 to n − 1; each call advances the sequence. */
export type IndexDraw = (n: number) => number;

/** Uniform indices from a seeded xoroshiro128+ (pure-rand): the same seed, the same sequence. */
export function seededDraw(seed: number): IndexDraw {
  const generator = xoroshiro128plus(seed);
  return (n) => uniformInt(generator, 0, n - 1);
}

/**
 * The percentile bootstrap of median(numerators) / median(denominators): `resamples` times, n pair
 * indices drawn with replacement (a pair keeps its two values together, so a moment's load stays
 * in both medians), the ratio of the two medians; the bounds are the resampled ratios at ranks
 * ⌊α/2·B⌋ and ⌈(1 − α/2)·B⌉ − 1 of the ascending list (0-based, α = 1 − confidence, B resamples):
 * as many resampled ratios lie below the low bound as above the high one.
 * Every denominator must be positive (see ratioInterval).
 */
export function bootstrapBounds(
  numerators: readonly number[],
  denominators: readonly number[],
  settings: Pick<BootstrapSettings, 'resamples' | 'confidence'>,
  draw: IndexDraw,
): { low: number; high: number } {
  const n = numerators.length;
  if (n === 0 || n !== denominators.length)
    throw new Error(`bootstrap needs pairs: ${n} numerators, ${denominators.length} denominators`);
  const ratios: number[] = [];
  for (let b = 0; b < settings.resamples; b++) {
    const top: number[] = [];
    const bottom: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = draw(n);
      top.push(numerators[i] as number);
      bottom.push(denominators[i] as number);
    }
    ratios.push(median(top) / median(bottom));
  }
  ratios.sort((a, b) => a - b);
  const tail = (1 - settings.confidence) / 2;
  const B = settings.resamples;
  return {
    low: ratios[Math.floor(tail * B)] as number,
    high: ratios[Math.ceil((1 - tail) * B) - 1] as number,
  };
}

/**
 * The fewest pairs whose interval can reach `confidence` at all: an interval built from n pairs is
 * at widest their smallest to their largest ratio, which misses the median pair ratio with
 * probability 2 · 2⁻ⁿ whatever the distribution (all n on one side of it), so n must satisfy
 * 1 − 2¹⁻ⁿ ≥ confidence: 6 pairs for 95 %, 2 for 50 %.
 */
export function minimumPairs(confidence: number): number {
  return Math.max(1, Math.ceil(1 - Math.log2(1 - confidence) - 1e-9));
}

/** under when the whole interval is at or under the goal, over when it is wholly above, else undecided. */
export function verdictOf(low: number, high: number, goal: number): Verdict {
  if (high <= goal) return 'under';
  if (low > goal) return 'over';
  return 'undecided';
}

/**
 * The point ratio (median over median, as the figures have always been given), its bootstrap
 * interval and its verdict against `goal`, judged on the bounds as printed (two decimals). A floor
 * sample of 0 ms (under the clock's granularity) leaves the interval not measurable; a floor
 * median of 0 ms, the ratio too. Fewer pairs than minimumPairs: no interval, undecided.
 */
export function ratioInterval(
  own: readonly number[],
  floor: readonly number[],
  goal: number,
  settings: BootstrapSettings = BOOTSTRAP,
  draw: IndexDraw = seededDraw(settings.seed),
): RatioInterval {
  const point = ratioOrUndefined(median(own), median(floor));
  const ratio = point === undefined ? null : round(point, 2);
  const zeros = floor.filter((ms) => !(ms > 0)).length;
  if (!own.length || own.length !== floor.length)
    return { ratio, low: null, high: null, verdict: 'not measurable', reason: 'no paired samples' };
  if (zeros)
    return {
      ratio,
      low: null,
      high: null,
      verdict: 'not measurable',
      reason: `the floor read 0 ms in ${zeros} of ${floor.length} samples, under the clock's granularity`,
    };
  const fewest = minimumPairs(settings.confidence);
  if (own.length < fewest)
    return {
      ratio,
      low: null,
      high: null,
      verdict: ratio === null ? 'not measurable' : 'undecided',
      reason: `${own.length} pair${own.length === 1 ? '' : 's'}: a ${settings.confidence * 100} % interval needs at least ${fewest}`,
    };
  const bounds = bootstrapBounds(own, floor, settings, draw);
  const low = round(bounds.low, 2);
  const high = round(bounds.high, 2);
  return { ratio, low, high, verdict: verdictOf(low, high, goal) };
}

/**
 * `1.19 (1.12–1.26)`; `1.19 (no interval)` when too few pairs or a floor sample of 0 ms leave none;
 * `— (floor 0 ms)` for a ratio to a floor median of 0 ms (`reason` says which).
 */
export function formatInterval({ ratio, low, high }: RatioInterval): string {
  if (ratio === null) return '— (floor 0 ms)';
  if (low === null || high === null) return `${ratio.toFixed(2)} (no interval)`;
  return `${ratio.toFixed(2)} (${low.toFixed(2)}–${high.toFixed(2)})`;
}
