/**
 * Per-credential request rate limits: one token bucket per key id (pure, no I/O), refilled at
 * `perSecond` up to `burst`. Used for API keys by the REST API (rest/auth.ts) and the collector
 * (ingest): a leaked or runaway key is slowed to its rate, answered 429 with Retry-After, and
 * cannot take the engine from every other key. The map is bounded; the oldest bucket goes first
 * (an evicted bucket comes back full, which only ever favours the key).
 * Buckets exist only for VERIFIED keys (callers take a token after verification), so random
 * keys cannot fill this map.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perSecond: number,
    readonly burst = perSecond * 2,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one token for `key`: 0 when allowed, else the seconds to wait (for Retry-After). */
  take(key: string, now = Date.now()): number {
    if (this.perSecond <= 0) return 0;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }
}

const REGISTRY = Symbol.for('plumb.store.rateLimits');
type G = typeof globalThis & { [REGISTRY]?: Map<string, TokenBuckets> };

/** The process-wide limiter called `name` (Next bundles share it through globalThis). */
export function sharedLimiter(name: string, perSecond: number, burst?: number): TokenBuckets {
  const registry = ((globalThis as G)[REGISTRY] ??= new Map());
  let l = registry.get(name);
  if (!l || l.perSecond !== perSecond) {
    l = new TokenBuckets(perSecond, burst);
    registry.set(name, l);
  }
  return l;
}
