import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSpan, insertSpanRows } from './queries/fixtures.ts';
import { REWRITE_VERSION_BASE, rewriteSpans } from './rewrite.ts';
import { rowVersion, type SpanRow } from './spans.ts';
import { sql } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-rewrite-'))));
  await store.migrate();
});
afterAll(async () => store?.close());

const HOUR_NS = 3_600_000_000_000n;
const t0 = (BigInt(Date.now()) / 1000n / 3600n - 5n) * 3600n * 1_000_000_000n; // an hour boundary, 5 h ago
let n = 0;
function trace(spans: number, over: Partial<SpanRow> = {}): SpanRow[] {
  const traceId = `ee${String(++n).padStart(30, '0')}`;
  return Array.from({ length: spans }, (_, i) =>
    baseSpan({
      traceId, spanId: `${String(n).padStart(8, '0')}${String(i).padStart(8, '0')}`, parentSpanId: i === 0 ? '' : `${String(n).padStart(8, '0')}00000000`,
      // Two hours: spans 0..spans/2-1 in hour t0, the rest in hour t0+1h.
      startTimeUnixNano: t0 + (i < spans / 2 ? 0n : HOUR_NS) + BigInt(i) * 1_000_000n, endTimeUnixNano: t0 + HOUR_NS * 2n,
      costUsd: '0.25', inputTokens: 10, contextResolved: false, version: rowVersion(false, Date.now()), ...over,
    }),
  );
}

const stats = (traceId: string) =>
  store.query<{ n: string; cost: string; tenants: string[]; versions: string[] }>(sql`
    SELECT toString(count()) AS n, toString(sum(cost_usd)) AS cost, groupUniqArray(toString(tenant)) AS tenants, groupUniqArray(toString(_version)) AS versions
    FROM spans FINAL WHERE trace_id = ${traceId}`).then((r) => r[0]!);

const fillTenant = (rows: SpanRow[], tenant: string) => ({
  projectId: 'default', fromNs: t0, toNs: t0 + HOUR_NS * 2n,
  where: sql`trace_id = ${rows[0]!.traceId} AND tenant = ''`,
  set: { tenant: sql`${tenant}`, context_resolved: sql`true` },
});

describe('rewriteSpans (the one row-rewrite module)', () => {
  it('replaces rows under FINAL (never a second copy), with a higher version, and marks the hours it touched', async () => {
    const rows = trace(6);
    await insertSpanRows(store, rows);
    const since = new Date(Date.now() - 1_000);
    const res = await rewriteSpans(store, fillTenant(rows, 'acme'));
    expect(res).toEqual({ rows: 6, hours: 2 });
    expect(await stats(rows[0]!.traceId)).toMatchObject({ n: '6', cost: '1.5', tenants: ['acme'] });
    const [{ v } = { v: '0' }] = await store.query<{ v: string }>(sql`SELECT toString(min(_version)) AS v FROM spans FINAL WHERE trace_id = ${rows[0]!.traceId}`);
    expect(Number(v)).toBeGreaterThan(REWRITE_VERSION_BASE);
    const hours = await store.query<{ hour: number }>(sql`
      SELECT toUnixTimestamp(hour) AS hour FROM rollup_dirty_hours FINAL
      WHERE project_id = 'default' AND marked_at >= ${since} ORDER BY hour`);
    expect(hours.map((h) => BigInt(h.hour) * 1_000_000_000n)).toEqual([t0, t0 + HOUR_NS]);
    // Idempotent: nothing left to rewrite.
    expect(await rewriteSpans(store, fillTenant(rows, 'acme'))).toEqual({ rows: 0, hours: 0 });
  });

  it('is not undone by a duplicate delivery arriving after it, even from a collector whose clock runs ahead', async () => {
    const rows = trace(4);
    await insertSpanRows(store, rows);
    await rewriteSpans(store, fillTenant(rows, 'globex'));
    // The same spans delivered again, resolved by a collector that knew no tenant, a day "later".
    await insertSpanRows(store, rows.map((r) => ({ ...r, tenant: '', contextResolved: true, version: rowVersion(true, Date.now() + 86_400_000) })));
    expect(await stats(rows[0]!.traceId)).toMatchObject({ n: '4', cost: '1', tenants: ['globex'] });
  });

  it('outranks the row it copies whatever its version, and two concurrent rewrites leave one row per span', async () => {
    const rows = trace(4, { version: REWRITE_VERSION_BASE + Date.now() + 3_600_000 }); // already rewritten "in the future"
    await insertSpanRows(store, rows);
    await Promise.all([rewriteSpans(store, fillTenant(rows, 'initech')), rewriteSpans(store, fillTenant(rows, 'initech'))]);
    const s = await stats(rows[0]!.traceId);
    expect(s).toMatchObject({ n: '4', cost: '1', tenants: ['initech'] });
    expect(Number(s.versions[0])).toBeGreaterThan(rows[0]!.version);
    // Physically there may be several copies; FINAL and a full merge both keep one per span.
    await store.command(sql`OPTIMIZE TABLE spans FINAL`);
    const [raw] = await store.query<{ n: string }>(sql`SELECT toString(count()) AS n FROM spans WHERE trace_id = ${rows[0]!.traceId}`);
    expect(raw!.n).toBe('4');
  });

  it('refuses to set a column that places the row', async () => {
    for (const column of ['start_time', 'trace_id', 'span_id', 'project_id', '_version']) {
      await expect(rewriteSpans(store, { projectId: 'default', fromNs: t0, toNs: t0, where: sql`1`, set: { [column]: sql`1` } })).rejects.toThrow(/cannot be rewritten/);
    }
  });
});
