import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { convertRequest } from '@plumb/collector';
import { decodeTraceRequestProtobuf } from '@plumb/otlp';
import { PriceCatalog } from '@plumb/pricing';
import { DEFAULT_SEMCONV_OPTIONS } from '@plumb/semconv';
import { loadMigrations, serializeSpanRow, SPAN_COLUMNS, SPAN_INSERT_SETTINGS, sql, Store, unsafeRaw, type SpanRow } from '@plumb/store';

import { buildTemplate, stamp } from './template.ts';

export interface ViewsBenchOptions {
  /** Rows per INSERT (the collector's batch: PLUMB_BATCH_MAX_ROWS, 10,000 by default). */
  insertRows: number;
  /** Inserts per arm (the first is a warm-up, not counted). */
  inserts: number;
  /** Only the `none`, `all` and `all (legacy)` arms: the total, measured more often in the same time. */
  totalsOnly: boolean;
}

/** Views replaced by migration 0025 (their old definitions are read from the older migrations). */
const LEGACY = ['trace_context_mv', 'trace_heads_mv', 'trace_hours_mv', 'trace_index_mv'];

interface Arm {
  name: string;
  table: string;
}

/**
 * `plumb bench views`: what each materialized view on `spans` costs the engine, in CPU ms per 1k
 * span rows. Every arm is a Null-engine copy of `spans` (the rows are parsed, then dropped) with
 * one view on it writing into its own copy of the view's target table — `none` has no view, `all`
 * has every view, and the `legacy` arms run the definitions 0025 replaced (verbatim from their
 * migrations). The same bench rows (the ingest bench's agent traces) go into every arm, arms
 * interleaved, process CPU around each insert: the per-view figure is its arm minus `none`.
 * Null sources keep the spans table's background merges out of the figures, and merges of the
 * target copies are stopped: they run on background threads and would land on whichever insert
 * happens to run (an old and a new definition write the same rows, so they merge alike).
 * Most of a view's cost is per insert — a new part in its target table, and its SELECT planned
 * again for every block — so it weighs more with smaller inserts: try --insert-rows 1000.
 */
export async function benchViews(opts: ViewsBenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-bench-views-'));
  const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 30 });
  try {
    await store.migrate();
    const run = (statement: string) => store.command(sql`${unsafeRaw(statement)}`);
    const views = await store.query<{ name: string; as_select: string; q: string }>(sql`
      SELECT name, as_select, create_table_query AS q FROM system.tables
      WHERE database = currentDatabase() AND engine = 'MaterializedView' ORDER BY name`);
    const legacyStatements = loadMigrations().flatMap((m) => m.statements);
    const defs: { name: string; target: string; select: string }[] = views.map((v) => ({
      name: v.name,
      target: /\bTO\s+`?(?:\w+`?\.`?)?(\w+)`?/.exec(v.q)![1]!,
      select: v.as_select,
    }));
    for (const name of LEGACY) {
      const re = new RegExp(`^CREATE MATERIALIZED VIEW IF NOT EXISTS ${name} TO (\\w+) AS([\\s\\S]*)$`);
      const m = legacyStatements.map((s) => re.exec(s)).find((x) => x !== null);
      if (m) defs.push({ name: `legacy ${name}`, target: m[1]!, select: m[2]! });
    }

    const arms: Arm[] = [];
    let n = 0;
    const addArm = async (name: string, withViews: typeof defs) => {
      const table = `bench_views_${n++}`;
      await run(`CREATE TABLE ${table} AS spans ENGINE = Null`);
      for (const [i, d] of withViews.entries()) {
        await run(`CREATE TABLE ${table}_t${i} AS ${d.target}`);
        await run(`SYSTEM STOP MERGES ${table}_t${i}`);
        await run(`CREATE MATERIALIZED VIEW ${table}_v${i} TO ${table}_t${i} AS ${d.select.replace(/\b(?:\w+\.)?spans\b/g, table)}`);
      }
      arms.push({ name, table });
    };
    await addArm('none', []);
    if (!opts.totalsOnly) for (const d of defs) await addArm(d.name, [d]);
    const current = defs.filter((d) => !d.name.startsWith('legacy '));
    await addArm('all', current);
    const legacy = defs.filter((d) => d.name.startsWith('legacy '));
    if (legacy.length > 0) {
      // Every view as before 0025: the legacy ones in place of those feeding the same tables.
      const replaced = new Set(legacy.map((d) => d.target));
      await addArm('all (legacy)', [...current.filter((d) => !replaced.has(d.target)), ...legacy]);
    }

    const template = buildTemplate(512);
    const catalog = new PriceCatalog();
    const convert = { semconv: DEFAULT_SEMCONV_OPTIONS, maxAttributeLength: 16384, maxTextLength: 32768 };
    let seq = 3_000_000_000;
    const cpuUs = arms.map(() => 0);
    for (let b = 0; b < opts.inserts; b++) {
      const rows: SpanRow[] = [];
      while (rows.length < opts.insertRows) rows.push(...convertRequest(decodeTraceRequestProtobuf(stamp(template, seq++)), 'default', catalog, convert, Date.now()).rows);
      rows.length = opts.insertRows;
      const body = Buffer.from(rows.map((r) => serializeSpanRow(r)).join(''));
      for (let k = 0; k < arms.length; k++) {
        const a = (b + k) % arms.length;
        const c0 = process.cpuUsage();
        await store.insertRaw(arms[a]!.table, SPAN_COLUMNS, body, 'JSONCompactEachRow', { settings: SPAN_INSERT_SETTINGS });
        const c = process.cpuUsage(c0);
        if (b > 0) cpuUs[a]! += c.user + c.system;
      }
    }
    const perK = (us: number) => us / 1000 / (((opts.inserts - 1) * opts.insertRows) / 1000);
    const base = perK(cpuUs[0]!);
    console.log(`bench views: ${opts.inserts - 1} × ${opts.insertRows}-row inserts per arm, arms interleaved; engine CPU ms per 1k span rows (process CPU around each insert)`);
    for (const [a, arm] of arms.entries()) {
      const v = perK(cpuUs[a]!);
      console.log(`  ${arm.name.padEnd(28)} ${v.toFixed(2).padStart(6)}   ${a === 0 ? '(Null spans: parsing only)' : `view cost ${(v - base).toFixed(2)}`}`);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
