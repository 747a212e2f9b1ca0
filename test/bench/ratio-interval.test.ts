/**
 * The cold-start ratio's interval and verdict (bench/ratio-interval.ts), with values worked out by
 * hand: a scripted sequence of pair indices stands in for the seeded generator where the bounds
 * are checked, so that each resample can be followed on paper.
 */
import { describe, expect, it } from 'vitest';
import type { FunctionFootprint } from '../../bench/cold-start.js';
import {
  bootstrapBounds,
  formatInterval,
  type IndexDraw,
  minimumPairs,
  type RatioInterval,
  ratioInterval,
  ratioOrUndefined,
  seededDraw,
  verdictOf,
} from '../../bench/ratio-interval.js';
import { verdictCounts } from '../../bench/report.js';

/** Hands out the given indices in order, and fails the test if more are drawn. */
function scripted(indices: number[]): IndexDraw {
  let next = 0;
  return (n) => {
    const i = indices[next++];
    if (i === undefined || i >= n) throw new Error(`draw ${next}: no scripted index below ${n}`);
    return i;
  };
}

describe('the ratio of a function to its floor, with its bootstrap interval', () => {
  // Three pairs: (function, floor) = (12, 10), (14, 10), (30, 20). The median of three is the second
  // smallest; of an even count, the lower middle (stats.ts `median`, nearest rank).
  const own = [12, 14, 30];
  const floor = [10, 10, 20];

  it('resamples whole pairs and reads the bounds at ranks ⌊α/2·B⌋ and ⌈(1 − α/2)·B⌉ − 1', () => {
    const draw = scripted([
      ...[0, 0, 0], // (12,10)×3: 12 / 10 = 1.2
      ...[2, 2, 1], // (30,20)×2 + (14,10): medians 30 and 20 (the pair kept together) = 1.5
      ...[1, 1, 0], // (14,10)×2 + (12,10): 14 / 10 = 1.4
      ...[2, 0, 0], // (30,20) + (12,10)×2: 12 / 10 = 1.2
    ]);
    // B = 4, confidence 0.5: α/2 = 0.25, ranks ⌊1⌋ = 1 and ⌈3⌉ − 1 = 2 of [1.2, 1.2, 1.4, 1.5].
    expect(bootstrapBounds(own, floor, { resamples: 4, confidence: 0.5 }, draw)).toEqual({
      low: 1.2,
      high: 1.4,
    });
  });

  it('with B = 8 and 75 %: ranks ⌊1⌋ = 1 and ⌈7⌉ − 1 = 6', () => {
    const draw = scripted([
      ...[0, 0, 0], // 1.2
      ...[1, 1, 1], // 1.4
      ...[2, 2, 2], // 1.5
      ...[0, 1, 2], // medians 14 and 10: 1.4
      ...[0, 0, 2], // medians 12 and 10: 1.2
      ...[2, 2, 0], // medians 30 and 20: 1.5
      ...[1, 2, 2], // medians 30 and 20: 1.5
      ...[1, 0, 1], // medians 14 and 10: 1.4
    ]);
    // Sorted: 1.2, 1.2, 1.4, 1.4, 1.4, 1.5, 1.5, 1.5
    expect(bootstrapBounds(own, floor, { resamples: 8, confidence: 0.75 }, draw)).toEqual({
      low: 1.2,
      high: 1.5,
    });
  });

  it('refuses samples that are not pairs', () => {
    expect(() => bootstrapBounds([1, 2], [1], { resamples: 4, confidence: 0.5 }, scripted([]))).toThrow(
      /2 numerators, 1 denominators/,
    );
    expect(() => bootstrapBounds([], [], { resamples: 4, confidence: 0.5 }, scripted([]))).toThrow(
      /needs pairs/,
    );
  });

  it('keeps the point ratio as median over median, and judges the bounds as printed (two decimals)', () => {
    const interval = ratioInterval(
      own,
      floor,
      1.2,
      { resamples: 4, confidence: 0.5, seed: 0 },
      scripted([...[0, 0, 0], ...[2, 2, 1], ...[1, 1, 0], ...[2, 0, 0]]),
    );
    // median 14 over median 10; the interval 1.2–1.4 holds the goal.
    expect(interval).toEqual({ ratio: 1.4, low: 1.2, high: 1.4, verdict: 'undecided' });

    // Two pairs of 12.049 over 10 (the fewest for 50 %): every resample is 1.2049, printed 1.2,
    // which is at the goal: under.
    expect(
      ratioInterval(
        [12.049, 12.049],
        [10, 10],
        1.2,
        { resamples: 3, confidence: 0.5, seed: 0 },
        scripted([0, 1, 1, 1, 0, 0]),
      ),
    ).toEqual({ ratio: 1.2, low: 1.2, high: 1.2, verdict: 'under' });
  });

  it('gives the same interval for the same samples and seed', () => {
    const a = [41.2, 39.8, 44.1, 40.3, 52.7, 40.9, 39.5];
    const b = [35.1, 34.0, 37.9, 33.8, 41.0, 34.6, 33.9];
    const settings = { resamples: 2000, confidence: 0.95, seed: 7 };
    const first = ratioInterval(a, b, 1.2, settings);
    expect(ratioInterval(a, b, 1.2, settings)).toEqual(first);
    // median(a) = 40.9, median(b) = 34.6: 1.1821 → 1.18
    expect(first.ratio).toBe(1.18);
    expect(first.low).toBeLessThanOrEqual(first.high as number);
  });

  it('draws seeded indices from 0 to n − 1, the same sequence for the same seed', () => {
    const one = seededDraw(42);
    const again = seededDraw(42);
    const drawn = Array.from({ length: 200 }, () => one(5));
    expect(Array.from({ length: 200 }, () => again(5))).toEqual(drawn);
    expect(new Set(drawn)).toEqual(new Set([0, 1, 2, 3, 4]));
  });
});

describe('the fewest pairs for an interval', () => {
  it('is the n with 1 − 2¹⁻ⁿ ≥ the confidence: below it, even the widest interval misses too often', () => {
    expect(minimumPairs(0.95)).toBe(6); // 1 − 1/32 = 0.969; with 5: 1 − 1/16 = 0.9375
    expect(minimumPairs(0.9)).toBe(5); // 0.9375; with 4: 0.875
    expect(minimumPairs(0.75)).toBe(3); // exactly 0.75
    expect(minimumPairs(0.5)).toBe(2); // exactly 0.5
  });

  it('leaves a ratio from fewer pairs undecided, with the point ratio and the reason', () => {
    // medians 44 and 36
    expect(ratioInterval([40, 44, 45, 50, 41], [35, 36, 37, 38, 34], 1.2)).toEqual({
      ratio: 1.22,
      low: null,
      high: null,
      verdict: 'undecided',
      reason: '5 pairs: a 95 % interval needs at least 6',
    });
  });
});

describe('the verdict against the goal', () => {
  it('is under when the whole interval is at or under the goal, over when it is wholly above, else undecided', () => {
    expect(verdictOf(1.1, 1.2, 1.2)).toBe('under');
    expect(verdictOf(1.21, 1.3, 1.2)).toBe('over');
    expect(verdictOf(1.2, 1.3, 1.2)).toBe('undecided');
    expect(verdictOf(1.19, 1.21, 1.2)).toBe('undecided');
  });
});

describe('a ratio to a floor that read 0 ms', () => {
  it('is not measurable, never Infinity or NaN', () => {
    expect(ratioOrUndefined(5, 0)).toBeUndefined();
    expect(ratioOrUndefined(0, 0)).toBeUndefined();
    expect(ratioOrUndefined(5, Number.NaN)).toBeUndefined();
    expect(ratioOrUndefined(5, 2)).toBe(2.5);
  });

  it('with a floor median of 0 ms: no ratio, no interval, and a reason', () => {
    const interval = ratioInterval([2.1, 1.9, 2.4], [0, 0, 2], 1.2);
    expect(interval).toEqual({
      ratio: null,
      low: null,
      high: null,
      verdict: 'not measurable',
      reason: "the floor read 0 ms in 2 of 3 samples, under the clock's granularity",
    });
    expect(formatInterval(interval)).toBe('— (floor 0 ms)');
  });

  it('with a single floor sample of 0 ms: the ratio of the medians, but no interval', () => {
    // medians 6 and 2
    const interval = ratioInterval([5, 6, 7], [0, 2, 3], 1.2);
    expect(interval).toMatchObject({ ratio: 3, low: null, high: null, verdict: 'not measurable' });
    expect(formatInterval(interval)).toBe('3.00 (no interval)');
  });

  it('prints a measured ratio with its interval', () => {
    expect(formatInterval({ ratio: 1.19, low: 1.12, high: 1.26, verdict: 'undecided' })).toBe(
      '1.19 (1.12–1.26)',
    );
  });
});

describe('the report’s count of verdicts', () => {
  const judged = (name: string, importCpuMs: RatioInterval): FunctionFootprint =>
    ({
      name,
      clients: [],
      intervals: {
        importMs: importCpuMs,
        importCpuMs,
        readyMs: importCpuMs,
        readyCpuMs: importCpuMs,
      },
    }) as unknown as FunctionFootprint;

  it('counts each verdict, names those not under, and prints a ratio to a 0 ms floor as —', () => {
    const functions = [
      judged('a', { ratio: 1.1, low: 1.05, high: 1.15, verdict: 'under' }),
      judged('b', { ratio: 1.19, low: 1.12, high: 1.26, verdict: 'undecided' }),
      judged('c', { ratio: 1.3, low: 1.22, high: 1.41, verdict: 'over' }),
      judged('d', {
        ratio: null,
        low: null,
        high: null,
        verdict: 'not measurable',
        reason: "the floor read 0 ms in 4 of 6 samples, under the clock's granularity",
      }),
      { name: 'no floor', clients: [] } as unknown as FunctionFootprint,
    ];
    expect(verdictCounts(functions, 'importCpuMs')).toBe(
      '1 under, 1 undecided (b 1.19 (1.12–1.26)), 1 over (c 1.30 (1.22–1.41)), 1 not measurable (d — (floor 0 ms))',
    );
    expect(verdictCounts(functions.slice(0, 1), 'importCpuMs')).toBe('1 under, 0 undecided, 0 over');
  });
});
