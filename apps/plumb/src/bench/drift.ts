import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { backfill } from '@plumb/demo';
import { createDriftMonitor, DEFAULT_PROJECT_ID, evaluateDriftMonitor, getDriftMonitor, sql, Store, type DriftMonitorDefinition } from '@plumb/store';

export interface DriftBenchOptions {
  spans: number;
  runs: number;
  /**
   * Length of the rolling reference (default 7): the store holds referenceDays + 1 days, so the
   * monitors read every span. An existing store is used as it is, ending at its last span:
   * PLUMB_BENCH_SOURCE (e.g. the 30-day query-bench store, with --reference-days 29) is COPIED to
   * a temp dir (PLUMB_BENCH_TMP or the OS one; the engine locks and this bench migrates and writes
   * its store) and the copy deleted at the end; PLUMB_BENCH_DIR is a store of the bench's own,
   * opened in place.
   */
  referenceDays?: number;
}

const DAY = 86_400_000;
const DRIFT_MODEL = 'gpt-4o-mini-2024-07-18';

/**
 * `plumb bench drift`: drift monitors over `spans` spans, ALL inside the monitors' windows
 * (reference = previous referenceDays days, current = last 24 h), so every evaluation reads every span — the
 * worst case for a given store size. Data is kept in ./data/bench-drift-<N> between runs. The
 * demo injects drift into one served model for the last 24 h. Target: < 1 s per evaluation at 10M,
 * the first one included. The first evaluation of a monitor freezes its bins and counts every
 * closed hour in one pass over the source (store drift-binning.ts); later ones (the worker's
 * hourly runs, "evaluate now") read those counts and scan only the window edges raw. The last
 * monitor watches a field with no values: its later evaluations must not rescan the reference.
 */
export async function benchDrift(o: DriftBenchOptions): Promise<void> {
  const refDays = o.referenceDays ?? 7;
  const days = refDays + 1;
  const source = process.env.PLUMB_BENCH_SOURCE ? resolve(process.env.PLUMB_BENCH_SOURCE) : null;
  if (source && !existsSync(join(source, 'ready'))) throw new Error(`bench drift: no store at ${source} (PLUMB_BENCH_SOURCE)`);
  const dir = source ? mkdtempSync(join(process.env.PLUMB_BENCH_TMP ?? tmpdir(), 'plumb-bench-drift-')) : resolve(process.env.PLUMB_BENCH_DIR ?? `./data/bench-drift-${o.spans}`);
  if (source) {
    const c0 = performance.now();
    cpSync(source, dir, { recursive: true });
    console.log(`bench drift: copied ${source} to ${dir} in ${((performance.now() - c0) / 1000).toFixed(0)} s`);
  }
  const fresh = !existsSync(join(dir, 'ready'));
  mkdirSync(dir, { recursive: true });
  const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 3650 });
  const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
  try {
    await store.migrate();
    const endMs = fresh ? Date.now() - 5 * 60_000 : Number((await store.query<{ t: string }>(sql`SELECT toUnixTimestamp64Milli(max(start_time)) AS t FROM spans`))[0]?.t ?? Date.now()) + 60_000;
    if (fresh) {
      console.log(`bench drift: backfilling ${o.spans.toLocaleString()} spans over ${days} days, drift in ${DRIFT_MODEL} for the last 24 h (first run only)…`);
      const r = await backfill(store, { days, spans: o.spans, seed: 11, endMs, drift: { model: DRIFT_MODEL, afterMs: endMs - DAY } });
      console.log(`  backfilled ${r.spans.toLocaleString()} spans in ${(r.elapsedMs / 1000).toFixed(0)} s`);
      await store.command(sql`OPTIMIZE TABLE spans FINAL`, { timeoutSec: 3600 });
      writeFileSync(join(dir, 'ready'), String(endMs));
    }
    const [{ n } = { n: 0 }] = await store.query<{ n: string }>(sql`SELECT count() AS n FROM spans`);
    const at = endMs;
    const base = { spanSet: 'llm', filters: {}, reference: { kind: 'previous', days: refDays }, currentMs: DAY, method: 'auto', thresholds: {}, topK: 20 } as const;
    const defs: DriftMonitorDefinition[] = [
      { ...base, name: 'output tokens, all models (rolling reference, bins refreshed daily)', feature: { kind: 'numeric', field: 'output_tokens' } },
      { ...base, name: `output tokens, ${DRIFT_MODEL}`, feature: { kind: 'numeric', field: 'output_tokens' }, filters: { model: [DRIFT_MODEL] } },
      { ...base, name: 'finish reason, all models', feature: { kind: 'categorical', field: 'finish_reason' } },
      { ...base, name: 'served model, all calls', feature: { kind: 'categorical', field: 'model' } },
      { ...base, name: 'latency of every span (frozen bins)', feature: { kind: 'numeric', field: 'latency_ms' }, spanSet: 'all', reference: { kind: 'frozen', fromMs: at - days * DAY, toMs: at - DAY } },
      { ...base, name: 'an attribute no span has (no values: remembered, re-checked cheaply)', feature: { kind: 'numeric', field: 'attribute', key: 'bench.never.set' } },
    ];
    console.log(`bench drift: ${Number(n).toLocaleString()} spans in the store; windows: the ${refDays}-day reference and the last 24 h; ${o.runs} runs each (ms); load average ${load()}`);
    let worstFirst = 0;
    for (const def of defs) {
      const created = await createDriftMonitor(store, DEFAULT_PROJECT_ID, def);
      const c0 = performance.now();
      const first = await evaluateDriftMonitor(store, DEFAULT_PROJECT_ID, created, at); // freezes the bins, counts every closed hour
      const cold = performance.now() - c0;
      worstFirst = Math.max(worstFirst, cold);
      const m = (await getDriftMonitor(store, DEFAULT_PROJECT_ID, created.id))!;
      const samples: number[] = [];
      let last = first;
      for (let i = 0; i < o.runs; i++) {
        const t0 = performance.now();
        last = await evaluateDriftMonitor(store, DEFAULT_PROJECT_ID, m, at);
        samples.push(performance.now() - t0);
      }
      samples.sort((a, b) => a - b);
      const p50 = samples[Math.floor(samples.length / 2)]!;
      const max = samples[samples.length - 1]!;
      const r = last?.result;
      console.log(
        `  ${def.name}: first (cold, counts all ${days * 24} hours) ${cold.toFixed(0)} ms ${cold < 1000 ? '✓' : '✗'}; then p50 ${p50.toFixed(0)} ms, max ${max.toFixed(0)} ms ${max < 1000 ? '✓' : '✗'} — ` +
          `${r ? `${r.method} ${r.score.toPrecision(3)}, flagged ${r.flagged}, ${r.nRef.toLocaleString()} vs ${r.nCur.toLocaleString()} rows` : 'no data'}`,
      );
    }
    console.log(`bench drift: slowest first evaluation ${worstFirst.toFixed(0)} ms ${worstFirst < 1000 ? '✓' : '✗'} (target < 1000 ms, later ones too); load average ${load()}`);
  } finally {
    await store.close();
    if (source) rmSync(dir, { recursive: true, force: true });
  }
}
