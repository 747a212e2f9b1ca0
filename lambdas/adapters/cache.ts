/**
 * A small per-container cache for configuration read from the table (SP setups, the catalogue,
 * claimed identities, partners): they change rarely, and the hot paths should cost one read, not
 * three. Some keys come from callers (the ISP callback looks up the message's `iss` before any
 * signature is checked), so the cache is bounded in entries (least recently used go first) and
 * in age: a flood of made-up keys costs a fixed amount of memory and pushes out nothing for long.
 */
import { secondsEnvMs } from './env.js';
import { type CacheOptions, DEFAULT_CACHE_ENTRIES, RecentlyUsed } from './recently-used.js';

export { type CacheOptions, DEFAULT_CACHE_ENTRIES, oncePerInterval } from './recently-used.js';

export type Cached<K, V> = ((key: K) => Promise<V>) & {
  /** How many keys are held now. */
  size(): number;
};

export function cached<K extends {}, V>(
  load: (key: K) => Promise<V>,
  ttlMs: number,
  { maxEntries = DEFAULT_CACHE_ENTRIES, now = () => performance.now() }: CacheOptions = {},
): Cached<K, V> {
  if (ttlMs <= 0) return Object.assign((key: K) => load(key), { size: () => 0 });
  // The promise is cached, so concurrent misses load once.
  const entries = new RecentlyUsed<K, Promise<V>>(maxEntries, ttlMs, now);
  const get = (key: K): Promise<V> => {
    const hit = entries.get(key);
    if (hit) return hit;
    const value = load(key);
    entries.set(key, value);
    // A failed load is not remembered (unless a newer load replaced it meanwhile).
    value.catch(() => {
      if (entries.peek(key) === value) entries.delete(key);
    });
    return value;
  };
  return Object.assign(get, { size: () => entries.size });
}

/** How long configuration may be served from memory; 0 turns caching off (tests, local). */
export const CONFIG_CACHE_MS = secondsEnvMs('CONFIG_CACHE_SECONDS', 60);
