/**
 * Small TTL caches for the lookups every request makes (sessions, API keys, memberships), so
 * authentication rarely needs the engine — which, embedded, runs one query at a time and may be
 * busy with a dashboard query for seconds.
 *
 * Caches are process-wide (registered on globalThis by name): Next.js bundles a copy of this
 * package per route, and a logout or key revocation in one bundle must invalidate the entry
 * another bundle (or the collector, in the all-in-one process) would read. Across processes
 * (server mode, separate web and collector) the TTL bounds how long a revoked credential lives.
 *
 * Hits and misses are kept apart: `negative` entries (unknown key, no membership) live in their
 * own smaller map, so a flood of random credentials can only churn that map and never evicts
 * the entries of real users.
 */
export class TtlCache<V> {
  private readonly hits = new Map<string, { value: V; until: number }>();
  private readonly misses = new Map<string, number>();

  constructor(
    readonly ttlMs: number,
    readonly negativeTtlMs: number,
    private readonly maxHits = 10_000,
    private readonly maxMisses = 2_000,
  ) {}

  /** `undefined`: not cached; `null`: cached miss. */
  get(key: string, now = Date.now()): V | null | undefined {
    const hit = this.hits.get(key);
    if (hit) {
      if (hit.until > now) return hit.value;
      this.hits.delete(key);
    }
    const miss = this.misses.get(key);
    if (miss !== undefined) {
      if (miss > now) return null;
      this.misses.delete(key);
    }
    return undefined;
  }

  set(key: string, value: V | null, now = Date.now()): void {
    if (value === null) {
      if (this.negativeTtlMs <= 0) return;
      if (this.misses.size >= this.maxMisses) this.evictOldest(this.misses);
      this.misses.set(key, now + this.negativeTtlMs);
      return;
    }
    this.misses.delete(key);
    if (this.hits.size >= this.maxHits) this.evictOldest(this.hits);
    this.hits.set(key, { value, until: now + this.ttlMs });
  }

  delete(key: string): void {
    this.hits.delete(key);
    this.misses.delete(key);
  }

  /** Drops every entry whose value matches (e.g. all cached hashes of one revoked key id). */
  deleteWhere(pred: (value: V, key: string) => boolean): void {
    for (const [k, e] of this.hits) if (pred(e.value, k)) this.hits.delete(k);
  }

  /** Forget cached misses (a key or membership was just created). */
  clearMisses(): void {
    this.misses.clear();
  }

  clear(): void {
    this.hits.clear();
    this.misses.clear();
  }

  get size(): { hits: number; misses: number } {
    return { hits: this.hits.size, misses: this.misses.size };
  }

  /** Maps iterate in insertion order: drop the oldest tenth, amortizing eviction. */
  private evictOldest(map: Map<string, unknown>): void {
    let n = Math.max(1, Math.floor(map.size / 10));
    for (const k of map.keys()) {
      map.delete(k);
      if (--n === 0) break;
    }
  }
}

const REGISTRY = Symbol.for('plumb.store.caches');
type G = typeof globalThis & { [REGISTRY]?: Map<string, TtlCache<unknown>> };

/** The process-wide cache called `name` (created with these TTLs on first use). */
export function sharedCache<V>(name: string, ttlMs: number, negativeTtlMs: number): TtlCache<V> {
  const g = globalThis as G;
  const registry = (g[REGISTRY] ??= new Map());
  let cache = registry.get(name);
  if (!cache) {
    cache = new TtlCache<unknown>(ttlMs, negativeTtlMs);
    registry.set(name, cache);
  }
  return cache as TtlCache<V>;
}

/** Empties every shared cache (tests that reuse ids across stores). */
export function clearSharedCaches(): void {
  for (const c of (globalThis as G)[REGISTRY]?.values() ?? []) c.clear();
}
