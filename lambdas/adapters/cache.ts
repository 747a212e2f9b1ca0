/**
 * A small per-container cache for configuration read from the table (SP setups, the catalogue,
 * claimed identities, partners): they change rarely, and the hot paths should cost one read, not
 * three. Some keys come from callers (the ISP callback looks up the message's `iss` before any
 * signature is checked), so the cache is bounded in entries (least recently used go first) and
 * in age: a flood of made-up keys costs a fixed amount of memory and pushes out nothing for long.
 */
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

/**
 * The entries, least recently used first: a Map iterates in insertion order, so a hit is moved to
 * the end by deleting and setting it again, and the first key is the one to evict. (A few lines
 * instead of the lru-cache package, whose 18 KB every function with a cache carried and evaluated
 * at cold start for the same four operations: docs/benchmarks.md §3.)
 */
class RecentlyUsed<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The live value, now the most recently used; an expired one is dropped. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (this.now() > entry.expiresAt) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  /** The value held for key, live or not, without touching its recency. */
  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}

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

/**
 * Lets the first call for a key through, then none for that key until `intervalMs` has passed (per
 * container, like the cache): a log line that a caller can repeat at will (a partner sending message
 * after message that an unusable registered key cannot check) is written once per interval, not once
 * per call. Answers how many calls for the key were held back since the last one let through, or
 * undefined to hold this one back. Bounded in keys like `cached`; a key pushed out is let through again.
 */
export function oncePerInterval<K>(
  intervalMs: number,
  { maxEntries = DEFAULT_CACHE_ENTRIES, now = () => performance.now() }: CacheOptions = {},
): (key: K) => number | undefined {
  const letThrough = new RecentlyUsed<K, { heldBack: number }>(maxEntries, intervalMs, now);
  return (key) => {
    // Read before get(), which drops an entry whose interval is over.
    const previous = letThrough.peek(key);
    const current = letThrough.get(key);
    if (current) {
      current.heldBack += 1;
      return undefined;
    }
    letThrough.set(key, { heldBack: 0 });
    return previous?.heldBack ?? 0;
  };
}
