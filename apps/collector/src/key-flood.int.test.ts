import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { createApiKey, DEFAULT_PROJECT_ID, sql, type Store } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, otlpJson, startTestCollector, type TestCollector } from './testing.ts';

/**
 * An unauthenticated flood of random API keys against the real collector and engine: it must not
 * evict the real key (the real exporter keeps being served from the cache), must not turn into
 * one engine query per random key (auth statements jump ahead of inserts in the engine queue, so
 * that would starve the writer), and must not stall ingest of the real exporter.
 */
let c: TestCollector;
let key = '';
const keyQueries = { n: 0 };

function countKeyQueries(store: Store): void {
  const query = store.query.bind(store);
  // Counts statements that read api_keys; every statement still runs on the real engine.
  store.query = ((fragment, opts) => {
    if (typeof opts === 'object' && opts !== null && 'caller' in opts && String(opts.caller).startsWith('keys.')) keyQueries.n++;
    return query(fragment, opts as never);
  }) as Store['query'];
}

beforeAll(async () => {
  c = await startTestCollector();
  key = (await createApiKey(c.store, { projectId: DEFAULT_PROJECT_ID, name: 'real', scopes: ['ingest'] })).key;
  countKeyQueries(c.store);
}, 60_000);
afterAll(async () => {
  await c?.stop();
  await c?.store.close();
});

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function post(body: string, bearer: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(`${c.url}/v1/traces`);
    const req = httpRequest(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function storedSpans(name: string): Promise<number> {
  const [row] = await c.store.query<{ n: string }>(sql`SELECT count() AS n FROM spans WHERE name = ${name}`);
  return Number(row?.n ?? 0);
}

describe('a flood of random API keys', () => {
  it('is answered 401 from memory while the real exporter keeps ingesting', async () => {
    const tiny = otlpJson([{ traceId: hexId(16), spanId: hexId(8), name: 'flood', startMs: Date.now() - 5, durationMs: 1 }]);
    let flooding = true;
    const statuses = new Map<number, number>();
    const flood = Promise.all(
      Array.from({ length: 48 }, async () => {
        while (flooding) {
          const s = await post(tiny, `plb_${randomBytes(24).toString('base64url')}`);
          statuses.set(s, (statuses.get(s) ?? 0) + 1);
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const before = keyQueries.n;
    const t0 = Date.now();
    // The real exporter: 40 batches of 50 spans, one after the other, during the flood.
    let acked = 0;
    const latencies: number[] = [];
    for (let i = 0; i < 40; i++) {
      const spans = Array.from({ length: 50 }, () => ({ traceId: hexId(16), spanId: hexId(8), name: 'real-span', startMs: Date.now() - 10, durationMs: 3 }));
      const s0 = performance.now();
      const status = await post(otlpJson(spans), key);
      latencies.push(performance.now() - s0);
      if (status === 200) acked += 50;
      if (process.env.FLOOD_DEBUG) console.log(`batch ${i}: ${status} in ${latencies[latencies.length - 1]!.toFixed(0)} ms, key queries ${keyQueries.n - before}`);
    }
    // Every acknowledged span becomes queryable while the flood goes on.
    let stored = 0;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (stored = await storedSpans('real-span')) < acked) await new Promise((r) => setTimeout(r, 100));
    const visibleAfterMs = Date.now() - t0;
    const floodSeconds = (Date.now() - t0) / 1000;
    const queriesDuringFlood = keyQueries.n - before;
    flooding = false;
    await flood;
    const refused = statuses.get(401) ?? 0;
    latencies.sort((a, b) => a - b);
    console.log(
      `flood: ${refused} random-key requests refused (${JSON.stringify(Object.fromEntries(statuses))}) in ${floodSeconds.toFixed(1)} s; ` +
        `${queriesDuringFlood} api_keys queries; real exporter p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(1)} ms, ${stored}/${acked} spans stored after ${visibleAfterMs} ms`,
    );
    expect(acked).toBe(2000);
    expect(stored).toBe(acked);
    expect(refused).toBeGreaterThan(500);
    expect([...statuses.keys()].filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(latencies[latencies.length - 1]!).toBeLessThan(5_000);
    // At most about one key-table read per second of flood, not one per random key.
    expect(queriesDuringFlood).toBeLessThanOrEqual(Math.ceil(floodSeconds) + 3);
    // And the real key was never evicted: the exporter stays served from memory.
    expect(c.collector.verifierStats().hits).toBeGreaterThan(0);
    expect(c.collector.verifierStats().misses).toBe(0);
  }, 60_000);
});
