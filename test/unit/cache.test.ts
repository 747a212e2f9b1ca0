/**
 * The per-container configuration cache: its keys can come from callers (the ISP callback caches
 * by the message's `iss`), so it holds a bounded number of entries, each for a bounded time.
 */
import { describe, expect, it } from 'vitest';
import { cached, oncePerInterval } from '../../lambdas/adapters/cache.js';

/** A loader that counts how often each key was loaded. */
function countingLoader() {
  const loads = new Map<string, number>();
  const load = async (key: string) => {
    loads.set(key, (loads.get(key) ?? 0) + 1);
    return `value of ${key}`;
  };
  return { load, loadsOf: (key: string) => loads.get(key) ?? 0 };
}

describe('cached()', () => {
  it('answers a key from memory within its time, and loads it again after', async () => {
    let now = 1_000;
    const { load, loadsOf } = countingLoader();
    const get = cached(load, 60_000, { now: () => now });

    await get('a');
    now += 59_999;
    const within = await get('a');
    now += 2;
    const after = await get('a');

    expect(within).toBe('value of a');
    expect(after).toBe('value of a');
    expect(loadsOf('a')).toBe(2);
  });

  it('keeps at most maxEntries keys, dropping the least recently used', async () => {
    const { load, loadsOf } = countingLoader();
    const get = cached(load, 60_000, { maxEntries: 3 });

    for (const key of ['a', 'b', 'c']) await get(key);
    await get('a'); // a is now the most recently used
    await get('d'); // evicts b
    await get('a');
    await get('b');

    expect(get.size()).toBe(3);
    expect(loadsOf('a')).toBe(1);
    expect(loadsOf('b')).toBe(2);
  });

  it('stays bounded under a flood of distinct caller-chosen keys', async () => {
    const { load } = countingLoader();
    const get = cached(load, 60_000, { maxEntries: 100 });

    for (let i = 0; i < 10_000; i++) await get(`issuer-${i}`);

    expect(get.size()).toBe(100);
  });

  it('remembers nothing when the time is 0 (caching off)', async () => {
    const { load, loadsOf } = countingLoader();
    const get = cached(load, 0);

    await get('a');
    await get('a');

    expect(loadsOf('a')).toBe(2);
    expect(get.size()).toBe(0);
  });

  it('does not remember a failed load', async () => {
    let fail = true;
    const get = cached(async (key: string) => {
      if (fail) throw new Error('throttled');
      return key;
    }, 60_000);

    await expect(get('a')).rejects.toThrow('throttled');
    fail = false;

    await expect(get('a')).resolves.toBe('a');
  });
});

describe('oncePerInterval()', () => {
  it('lets the first call for a key through, holds back the others within the interval, and counts them', () => {
    let now = 1_000;
    const due = oncePerInterval<string>(600_000, { now: () => now });

    const first = due('key-1');
    const heldBack = [due('key-1'), due('key-1'), due('key-1')];
    const otherKey = due('key-2');
    now += 600_000;
    const atTheEdge = due('key-1');
    now += 1;
    const after = due('key-1');
    const againHeldBack = due('key-1');

    expect(first).toBe(0);
    expect(heldBack).toEqual([undefined, undefined, undefined]);
    expect(otherKey).toBe(0);
    // At the edge the interval is not over yet: a fourth call held back.
    expect(atTheEdge).toBeUndefined();
    expect(after).toBe(4);
    expect(againHeldBack).toBeUndefined();
  });

  it('keeps at most maxEntries keys: one pushed out is let through again', () => {
    const due = oncePerInterval<string>(600_000, { maxEntries: 2, now: () => 0 });

    expect([due('a'), due('b'), due('c')]).toEqual([0, 0, 0]);

    expect(due('c')).toBeUndefined();
    expect(due('a')).toBe(0);
  });
});
