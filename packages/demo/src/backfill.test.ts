import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usdToPico } from '@plumb/pricing';
import { sql, Store } from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill, trafficWeight, type BackfillResult } from './backfill.ts';

let store: Store;
let result: BackfillResult;
// Recent: rows older than the store's retention (30 days) are dropped by the TTL at insert.
const END = Date.now() - 10 * 60_000;
const progress: number[] = [];

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-demo-'))));
  await store.migrate();
  result = await backfill(store, { projectId: 'bf', days: 3, spans: 20_000, seed: 5, endMs: END, chunkRows: 4_000, onProgress: (p) => progress.push(p.spans) });
});
afterAll(async () => store?.close());

describe('backfill', () => {
  it('writes the requested number of spans (whole traces) in chunks', async () => {
    expect(result.spans).toBeGreaterThanOrEqual(20_000);
    expect(result.spans).toBeLessThan(20_000 + 60);
    expect(progress.length).toBeGreaterThanOrEqual(5);
    const [row] = await store.query<{ n: string; traces: string; roots: string; no_tenant: string; unresolved: string }>(
      sql`SELECT count() AS n, uniqExact(trace_id) AS traces, countIf(parent_span_id = '') AS roots,
                 countIf(tenant = '' OR request_type = '' OR user_id = '' OR session_id = '') AS no_tenant,
                 countIf(NOT context_resolved) AS unresolved
          FROM spans FINAL WHERE project_id = 'bf'`,
    );
    expect(Number(row!.n)).toBe(result.spans);
    expect(Number(row!.traces)).toBe(result.traces);
    expect(Number(row!.roots)).toBe(result.traces);
    expect(Number(row!.no_tenant)).toBe(0);
    expect(Number(row!.unresolved)).toBe(0);
  });

  it('stores exactly the cost computed in JS', async () => {
    const [row] = await store.query<{ cost: string; priced: string; unpriced: string }>(
      sql`SELECT toString(sum(cost_usd)) AS cost, countIf(pricing_status = 'priced') AS priced, countIf(pricing_status = 'unpriced') AS unpriced
          FROM spans FINAL WHERE project_id = 'bf'`,
    );
    expect(result.costPico).toBeGreaterThan(0n);
    expect(usdToPico(row!.cost)).toBe(result.costPico);
    expect(Number(row!.priced)).toBe(result.pricedSpans);
    expect(Number(row!.unpriced)).toBe(result.unpricedSpans);
    expect(result.unpricedSpans).toBeGreaterThan(0); // the self-hosted vLLM model has no public price
  });

  it('spreads traces over the window with the daily pattern', async () => {
    const rows = await store.query<{ lo: string; hi: string }>(
      sql`SELECT toString(toUnixTimestamp64Milli(min(start_time))) AS lo, toString(toUnixTimestamp64Milli(max(end_time))) AS hi FROM spans WHERE project_id = 'bf'`,
    );
    expect(Number(rows[0]!.lo)).toBeGreaterThanOrEqual(result.fromMs);
    expect(Number(rows[0]!.hi)).toBeLessThanOrEqual(result.toMs);
    const hours = await store.query<{ h: number; n: string }>(
      sql`SELECT toHour(start_time) AS h, count() AS n FROM spans WHERE project_id = 'bf' AND parent_span_id = '' GROUP BY h ORDER BY h`,
    );
    const at = (h: number) => Number(hours.find((r) => r.h === h)?.n ?? 0);
    expect(at(14)).toBeGreaterThan(2 * at(3));
    expect(trafficWeight(Date.UTC(2026, 7, 19, 14), 0, 1)).toBeGreaterThan(trafficWeight(Date.UTC(2026, 7, 23, 14), 0, 1)); // Wed > Sun
  });

  it('puts the trace context on every row and the LLM details on chat rows', async () => {
    const rows = await store.query<{ tenant: string; n: string }>(
      sql`SELECT tenant, count() AS n FROM spans WHERE project_id = 'bf' GROUP BY tenant ORDER BY n DESC`,
    );
    expect(rows.map((r) => r.tenant)[0]).toBe('acme');
    expect(rows).toHaveLength(5);
    const [chat] = await store.query<{ bad: string; n: string }>(
      sql`SELECT countIf(provider = '' OR category != 'llm' OR NOT usage_counted) AS bad, count() AS n
          FROM spans WHERE project_id = 'bf' AND operation = 'chat' AND status_code != 'error'`,
    );
    expect(Number(chat!.n)).toBeGreaterThan(1000);
    expect(Number(chat!.bad)).toBe(0);
  });
});
