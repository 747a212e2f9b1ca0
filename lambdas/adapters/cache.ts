/**
 * A small per-container cache for configuration read from the table (SP setups, the catalogue,
 * claimed identities): they change rarely, and the hot paths should cost one read, not three.
 */
export function cached<K, V>(load: (key: K) => Promise<V>, ttlMs: number, now = () => Date.now()) {
  const entries = new Map<K, { value: Promise<V>; until: number }>();
  return (key: K): Promise<V> => {
    const hit = entries.get(key);
    if (hit && hit.until > now()) return hit.value;
    const value = load(key);
    entries.set(key, { value, until: now() + ttlMs });
    // A failed load is not remembered.
    value.catch(() => entries.delete(key));
    return value;
  };
}

/** How long configuration may be served from memory; 0 turns caching off (tests, local). */
export const CONFIG_CACHE_MS = Number(process.env.CONFIG_CACHE_SECONDS ?? '60') * 1000;
