import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from './migrations.ts';
import { baseSpan } from './queries/fixtures.ts';
import { rowVersion, serializeSpanRow, SPAN_COLUMNS, type SpanRow } from './spans.ts';
import { ident, sql, unsafeRaw } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

/**
 * Migration 0025 replaced the per-trace materialized views on `spans` with cheaper definitions
 * that must write exactly what the old ones wrote (the tables keep their data and their readers).
 * Here the OLD definitions, taken verbatim from the migrations that created them, run on a
 * Null-engine copy of `spans` into copies of their target tables, the same varied spans go into
 * both, and every target must read back identical: context winners with ties on start time,
 * local roots, rows without a root, empty values, re-deliveries and corrected copies of rows,
 * spans of one trace split over several inserts.
 */
const LEGACY_VIEWS = [
  { view: 'trace_context_mv', target: 'trace_context' },
  { view: 'trace_heads_mv', target: 'trace_heads' },
  { view: 'trace_hours_mv', target: 'trace_hours' },
  { view: 'trace_index_mv', target: 'trace_index' },
] as const;

/** The target tables as text, aggregate states included (updated_at is the server's clock). */
const READS: Record<(typeof LEGACY_VIEWS)[number]['target'], string> = {
  trace_context: 'SELECT * EXCEPT (updated_at) FROM {t} FINAL ORDER BY project_id, trace_id',
  trace_heads: 'SELECT *, finalizeAggregation(head) FROM {t} FINAL ORDER BY project_id, trace_id',
  trace_hours: 'SELECT * FROM {t} FINAL ORDER BY project_id, hour, trace_id',
  // A uniqExact state is a hash set: compare what it counts, not its layout.
  trace_index: 'SELECT * EXCEPT (span_ids), finalizeAggregation(span_ids) FROM {t} FINAL ORDER BY project_id, trace_id',
};

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-trace-views-'))));
  await store.migrate();
  const statements = loadMigrations().flatMap((m) => m.statements);
  await store.command(sql`CREATE TABLE legacy_spans AS spans ENGINE = Null`);
  for (const { view, target } of LEGACY_VIEWS) {
    const head = `CREATE MATERIALIZED VIEW IF NOT EXISTS ${view} TO ${target} AS`;
    const old = statements.find((s) => s.startsWith(head));
    if (!old) throw new Error(`no ${view} in the migrations`);
    await store.command(sql`CREATE TABLE ${ident(`legacy_${target}`)} AS ${ident(target)}`);
    const body = old.slice(head.length).replace(/\bFROM spans\b/g, 'FROM legacy_spans');
    // Schema text from the migrations (no values), passed through as it is.
    await store.command(sql`CREATE MATERIALIZED VIEW ${ident(`legacy_${view}`)} TO ${ident(`legacy_${target}`)} AS ${unsafeRaw(body)}`);
  }
});
afterAll(async () => store?.close());

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOUR_NS = 3_600_000_000_000n;
const MS_NS = 1_000_000n;

function variedSpans(seed: number): SpanRow[][] {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  // Close to an hour boundary, so traces spread over two trace_hours rows.
  const t0 = (BigInt(Date.now()) / 3_600_000n) * HOUR_NS - 2n * HOUR_NS - 3n * MS_NS;
  const rows: SpanRow[] = [];
  for (let t = 0; t < 240; t++) {
    const traceId = `7a${t.toString(16).padStart(30, '0')}`;
    const projectId = t % 7 === 0 ? 'other-project' : 'default';
    const n = 1 + Math.floor(r() * 12);
    const ids: string[] = [];
    // Most spans carry the trace's context (the collector copies it onto every span); some not.
    const context = () => ({
      tenant: pick(['', '', 'acme', 'globex', 'Zeta']),
      requestType: pick(['', 'chat', 'summarize']),
      route: pick(['', '', '/run', '/x']),
      sessionId: pick(['', 's-1', 's-2', 'S-0']),
      userId: pick(['', '', 'user-1', 'user-2']),
      contextResolved: r() < 0.5,
    });
    const shared = context();
    for (let i = 0; i < n; i++) {
      // Some re-deliveries / corrected copies of a span already made (same id, other values).
      const again = ids.length > 0 && r() < 0.15;
      const spanId = again ? pick(ids) : (r() < 0.1 ? 'AB' : 'ab') + Math.floor(r() * 2 ** 48).toString(16).padStart(14, '0');
      ids.push(spanId);
      const kind = r();
      const parentSpanId = kind < 0.2 ? '' : pick(['00000000000000ff', 'abababababababab']);
      // A local root (parent flagged remote), and now and then a row claiming no root despite
      // an empty parent (rank must come from the parent first, as the old views did).
      const isRoot = parentSpanId === '' ? r() > 0.05 : r() < 0.15;
      const startTimeUnixNano = t0 + BigInt(Math.floor(r() * 8)) * MS_NS + (r() < 0.2 ? HOUR_NS / 1000n : 0n);
      rows.push(
        baseSpan({
          projectId, traceId, spanId, parentSpanId, isRoot, startTimeUnixNano,
          endTimeUnixNano: startTimeUnixNano + BigInt(Math.floor(r() * 50)) * MS_NS,
          name: pick(['POST /run', 'GET /x', 'chat gpt-4o', 'execute_tool search']),
          ...(r() < 0.7 ? shared : context()),
          version: rowVersion(r() < 0.5, 1_700_000_000_000 + i),
        }),
      );
    }
  }
  // Shuffled into several inserts: a trace's spans land in different parts.
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  const batches: SpanRow[][] = [];
  for (let i = 0; i < rows.length; i += 97) batches.push(rows.slice(i, i + 97));
  return batches;
}

async function insertInto(table: string, rows: readonly SpanRow[]): Promise<void> {
  await store.client.insert({
    table,
    columns: SPAN_COLUMNS as [string, ...string[]],
    values: rows.map((row) => JSON.parse(serializeSpanRow(row)) as unknown[]),
    format: 'JSONCompactEachRow',
  });
}

describe('per-trace materialized views (0025) write what the old definitions wrote', () => {
  it('same trace_context, trace_heads, trace_hours and trace_index for varied spans', async () => {
    for (const batch of variedSpans(6025)) {
      await insertInto('spans', batch);
      await insertInto('legacy_spans', batch);
    }
    for (const { target } of LEGACY_VIEWS) {
      const read = (t: string) => store.queryText(sql`${unsafeRaw(READS[target].replace('{t}', t))} FORMAT TSV`);
      const [now, legacy] = [await read(target), await read(`legacy_${target}`)];
      expect(now.split('\n').length, target).toBeGreaterThan(200);
      expect(now, target).toBe(legacy);
    }
    // The data exercised what matters: a context value won by a local root over other spans,
    // heads that are not true roots, and traces without any value for a field.
    const [c] = await store.query<{ local_wins: number; missing: number }>(sql`
      SELECT countIf(tenant.1 = 2) AS local_wins, countIf(tenant.1 = 0) AS missing FROM trace_context FINAL`);
    expect(c!.local_wins).toBeGreaterThan(5);
    expect(c!.missing).toBeGreaterThan(5);
    const [h] = await store.query<{ no_root: number }>(sql`SELECT countIf(NOT has_true_root) AS no_root FROM trace_heads FINAL`);
    expect(h!.no_root).toBeGreaterThan(5);
  });

  it('the old views are gone: each table is fed by one view', async () => {
    const views = await store.query<{ name: string }>(sql`
      SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView' AND name LIKE 'trace_%' ORDER BY name`);
    expect(views.map((v) => v.name)).toEqual(['trace_context_mv2', 'trace_heads_mv2', 'trace_hours_mv2', 'trace_index_mv2']);
  });
});
