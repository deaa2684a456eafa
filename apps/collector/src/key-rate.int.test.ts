import { createApiKey, DEFAULT_PROJECT_ID } from '@plumb/store';
import { describe, expect, it } from 'vitest';
import { hexId, otlpJson, startTestCollector } from './testing.ts';

/** Per ingest key export rate limit (PLUMB_INGEST_KEY_RATE_LIMIT), on the real collector. */
describe('per-key ingest rate limit', () => {
  it('answers 429 + Retry-After past a key’s rate, and leaves other keys alone', async () => {
    const limited = await startTestCollector({ ingestKeyRateLimit: 5 });
    try {
      const hot = (await createApiKey(limited.store, { projectId: DEFAULT_PROJECT_ID, name: 'hot', scopes: ['ingest'] })).key;
      const calm = (await createApiKey(limited.store, { projectId: DEFAULT_PROJECT_ID, name: 'calm', scopes: ['ingest'] })).key;
      const body = () => otlpJson([{ traceId: hexId(16), spanId: hexId(8), name: 'rl', startMs: Date.now() - 5, durationMs: 1 }]);
      const send = (k: string) => fetch(`${limited.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${k}` }, body: body() });
      const results = await Promise.all(Array.from({ length: 20 }, () => send(hot)));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10); // the burst (2 × 5)
      expect(statuses.filter((s) => s === 200).length).toBeLessThan(14);
      const refused = results.find((r) => r.status === 429)!;
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await send(calm)).status).toBe(200);
    } finally {
      await limited.stop();
      await limited.store.close();
    }
  }, 60_000);
});
