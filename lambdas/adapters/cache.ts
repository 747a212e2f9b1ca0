/**
 * A small per-container cache for configuration read from the table (SP setups, the catalogue,
 * claimed identities, partners): they change rarely, and the hot paths should cost one read, not
 * three. Some keys come from callers (the ISP callback looks up the message's `iss` before any
 * signature is checked), so the cache is bounded in entries (least recently used go first) and
 * in age: a flood of made-up keys costs a fixed amount of memory and pushes out nothing for long.
 */
import { LRUCache } from 'lru-cache';
import { secondsEnvMs } from './env.js';

export interface CacheOptions {
  /** Most keys held at once. */
  maxEntries?: number;
  /** The clock (milliseconds), for tests. */
  now?: () => number;
}

export const DEFAULT_CACHE_ENTRIES = 1000;

export type Cached<K, V> = ((key: K) => Promise<V>) & {
  /** How many keys are held now. */
  size(): number;
};

export function cached<K extends {}, V>(
  load: (key: K) => Promise<V>,
  ttlMs: number,
  { maxEntries = DEFAULT_CACHE_ENTRIES, now }: CacheOptions = {},
): Cached<K, V> {
  if (ttlMs <= 0) return Object.assign((key: K) => load(key), { size: () => 0 });
  // The promise is cached (wrapped: the LRU holds objects), so concurrent misses load once.
  const entries = new LRUCache<K, { value: Promise<V> }>({
    max: maxEntries,
    ttl: ttlMs,
    // Read the clock on every check rather than once per millisecond timer.
    ttlResolution: 0,
    ...(now ? { perf: { now } } : {}),
  });
  const get = (key: K): Promise<V> => {
    const hit = entries.get(key);
    if (hit) return hit.value;
    const entry = { value: load(key) };
    entries.set(key, entry);
    // A failed load is not remembered (unless a newer load replaced it meanwhile).
    entry.value.catch(() => {
      if (entries.peek(key) === entry) entries.delete(key);
    });
    return entry.value;
  };
  return Object.assign(get, { size: () => entries.size });
}

/** How long configuration may be served from memory; 0 turns caching off (tests, local). */
export const CONFIG_CACHE_MS = secondsEnvMs('CONFIG_CACHE_SECONDS', 60);
