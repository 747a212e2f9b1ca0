/**
 * Entries bounded in number (least recently used go first) and in age, and a limiter built on
 * them; no environment is read here, so a module may import this at load before the embedded stack
 * sets its variables (cache.ts reads CONFIG_CACHE_SECONDS when it loads).
 */
export interface CacheOptions {
  /** Most keys held at once. */
  maxEntries?: number;
  /** The clock (milliseconds), for tests. */
  now?: () => number;
}

export const DEFAULT_CACHE_ENTRIES = 1000;

/**
 * The entries, least recently used first: a Map iterates in insertion order, so a hit is moved to
 * the end by deleting and setting it again, and the first key is the one to evict. (A few lines
 * instead of the lru-cache package, whose 18 KB every function with a cache carried and evaluated
 * at cold start for the same four operations: docs/benchmarks.md §3.)
 */
export class RecentlyUsed<K, V> {
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
