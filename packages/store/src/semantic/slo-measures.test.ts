import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSpan, fixtureTraceId, hex, insertSpanRows } from '../queries/fixtures.ts';
import type { SpanRow } from '../spans.ts';
import { sql } from '../sql.ts';
import { Store } from '../store.ts';
import { testStoreConfig } from '../testing.ts';
import { buildRollupHour } from './rollup-build.ts';
import { MEASURES, SLO_LATENCY_MS } from './catalog.ts';
import { queryMetrics } from './query.ts';

/**
 * The good events of a latency SLO (`good_requests_<T>`: requests within T and not in error),
 * checked against a count over single-span traces of known durations and statuses, on both
 * sides of each threshold, and read from raw spans even where a rollup covers the hours.
 */
let store: Store;
const HOUR = 3_600_000;
const start = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
// Durations around every threshold (just under, exactly at, just over), plus errors.
const DURATIONS_MS = [1, 499, 500, 501, 999, 1000, 1001, 1999, 2000, 2001, 4999, 5000, 5001, 9999, 10000, 10001, 60000];
const rows: SpanRow[] = [];

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-slo-'))));
  await store.migrate();
  let i = 0;
  for (const status of ['ok', 'error', 'unset'] as const) {
    for (const ms of DURATIONS_MS) {
      const t0 = BigInt(start + (i % 120) * 60_000) * 1_000_000n;
      rows.push(baseSpan({
        traceId: fixtureTraceId(i),
        spanId: hex(i + 1, 16),
        statusCode: status,
        tenant: i % 2 ? 'acme' : 'globex',
        startTimeUnixNano: t0,
        endTimeUnixNano: t0 + BigInt(ms) * 1_000_000n,
      }));
      i++;
    }
  }
  await insertSpanRows(store, rows);
  // A built rollup must not answer them (it keeps durations only as sketches).
  for (const h of [start, start + HOUR]) await buildRollupHour(store, 'default', h, 10_000);
  const [built] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM rollup_hourly`);
  expect(built!.n).toBeGreaterThan(0);
});
afterAll(async () => store?.close());

describe('latency SLO good events', () => {
  it('one measure per threshold, additive counts', () => {
    const names = MEASURES.filter((m) => m.name.startsWith('good_requests_')).map((m) => m.name);
    expect(names).toEqual(['good_requests_500ms', 'good_requests_1s', 'good_requests_2s', 'good_requests_5s', 'good_requests_10s']);
    expect(SLO_LATENCY_MS).toHaveLength(names.length);
  });

  it('counts requests within the threshold (inclusive) and not in error, by tenant, exactly', async () => {
    const measures = ['requests', ...MEASURES.filter((m) => m.name.startsWith('good_requests_')).map((m) => m.name)];
    const r = await queryMetrics(store, { projectId: 'default', measures, groupBy: ['tenant'], from: new Date(start - HOUR), to: new Date(start + 3 * HOUR) });
    expect(r.source).toBe('spans');
    for (const tenant of ['acme', 'globex']) {
      const mine = rows.filter((s) => s.tenant === tenant);
      const row = r.rows.find((x) => x.tenant === tenant)!;
      expect(row.requests, tenant).toBe(mine.length);
      for (const ms of SLO_LATENCY_MS) {
        const name = `good_requests_${ms < 1000 ? `${ms}ms` : `${ms / 1000}s`}`;
        const good = mine.filter((s) => s.statusCode !== 'error' && s.endTimeUnixNano - s.startTimeUnixNano <= BigInt(ms) * 1_000_000n).length;
        expect(row[name], `${tenant} ${name}`).toBe(good);
      }
    }
  });
});
