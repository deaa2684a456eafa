import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { backfill } from '@plumb/demo';
import { computeStagesForHour, DEFAULT_PROJECT_ID, deployMarkers, getRequestStages, getTrace, latencyRegression, sql, stageBreakdown, Store, unstagedHours } from '@plumb/store';

export interface RegressionBenchOptions {
  spans: number;
  days: number;
  runs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function time(runs: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number; max: number }> {
  await fn(-1); // warm-up
  const s: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    s.push(performance.now() - t0);
  }
  s.sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length / 2)]!, p95: s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!, max: s[s.length - 1]! };
}

const fmt = (t: { p50: number; p95: number; max: number }, target: number) =>
  `p50 ${t.p50.toFixed(0)} ms, p95 ${t.p95.toFixed(0)} ms, max ${t.max.toFixed(0)} ms ${t.p95 < target ? '✓' : `✗ (target < ${target} ms)`}`;

/**
 * `plumb bench regression`: the regression analysis and stage breakdown (issue 10) over the query
 * bench's store (./data/bench-query-<N>, or PLUMB_BENCH_DIR; backfilled on the first run with a
 * regression injected in the last 6 h). First the stage rows of the hours the queries read (the
 * last 25 h and the same 25 h a week earlier) are computed as the worker's job does (timed: the
 * once-per-trace cost); then each query runs `runs` times. The queries read only their windows'
 * rows, so stage rows for the rest of the store would not change their cost.
 * Targets: regression analysis < 2 s, one request's stages < 50 ms.
 */
export async function benchRegression(o: RegressionBenchOptions): Promise<void> {
  const dir = resolve(process.env.PLUMB_BENCH_DIR ?? `./data/bench-query-${o.spans}`);
  const fresh = !existsSync(join(dir, 'ready'));
  mkdirSync(dir, { recursive: true });
  const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 3650 });
  try {
    await store.migrate();
    if (fresh) {
      console.log(`bench regression: backfilling ${o.spans.toLocaleString()} spans over ${o.days} days, claude-sonnet-4 slowed for acme in the last 6 h (first run only)…`);
      const endMs = Date.now() - 5 * 60_000;
      await backfill(store, {
        days: o.days, spans: o.spans, seed: 7, endMs,
        regression: { model: 'claude-sonnet-4-20250514', tenant: 'acme', fromMs: endMs - 6 * HOUR, stage: 'decode', extraMs: 20_000 },
      });
      writeFileSync(join(dir, 'ready'), String(Date.now()));
    }
    const [{ n = '0', traces = '0', hi = '0' } = {}] = await store.query<{ n: string; traces: string; hi: string }>(
      sql`SELECT count() AS n, countIf(parent_span_id = '') AS traces, toUnixTimestamp64Milli(max(start_time)) AS hi FROM spans`,
    );
    console.log(`bench regression: ${Number(n).toLocaleString()} spans, ${Number(traces).toLocaleString()} root spans`);

    const end = Math.floor(Number(hi) / HOUR) * HOUR;
    // The once-per-trace cost, as the worker's stages job pays it, for the hours queried below.
    const todo = [
      ...(await unstagedHours(store, end - 25 * HOUR, end + HOUR)),
      ...(await unstagedHours(store, end - 7 * DAY - 25 * HOUR, end - 7 * DAY + HOUR)),
    ];
    const j0 = performance.now();
    let written = 0;
    for (const h of todo) {
      written += await computeStagesForHour(store, h.projectId, h.hourMs, { settleMs: 0 });
      if (todo.indexOf(h) % 10 === 9) console.log(`  … ${written.toLocaleString()} requests staged`);
    }
    const jobMs = performance.now() - j0;
    if (written > 0) console.log(`  stages job: ${written.toLocaleString()} requests in ${(jobMs / 1000).toFixed(1)} s (${Math.round(written / (jobMs / 1000)).toLocaleString()} requests/s)`);
    const [{ rows = '0' } = {}] = await store.query<{ rows: string }>(sql`SELECT count() AS rows FROM request_stages FINAL`);
    console.log(`  request_stages: ${Number(rows).toLocaleString()} rows; ${o.runs} runs per query`);

    const hour = { baseline: { fromMs: end - HOUR - 7 * DAY, toMs: end - 7 * DAY }, comparison: { fromMs: end - HOUR, toMs: end } };
    const day = { baseline: { fromMs: end - DAY - 7 * DAY, toMs: end - 7 * DAY }, comparison: { fromMs: end - DAY, toMs: end } };
    const sample = await latencyRegression(store, DEFAULT_PROJECT_ID, hour);
    console.log(
      `  last hour vs a week earlier: ${sample.p95.baselineCount} vs ${sample.p95.comparisonCount} requests, p95 ${sample.p95.baseline.toFixed(0)} → ${sample.p95.comparison.toFixed(0)} ms, ` +
        `top model ${sample.attribution.dimensions.find((d) => d.dimension === 'model')?.segments[0]?.value}, top tenant ${sample.attribution.dimensions.find((d) => d.dimension === 'tenant')?.segments[0]?.value}, worst ${sample.worst?.dimension}=${sample.worst?.value}`,
    );
    console.log(`  regression, 1 h vs 1 h: ${fmt(await time(o.runs, (i) => latencyRegression(store, DEFAULT_PROJECT_ID, { ...hour, seed: i + 2 })), 2000)}`);
    console.log(`  regression, 24 h vs 24 h: ${fmt(await time(o.runs, (i) => latencyRegression(store, DEFAULT_PROJECT_ID, { ...day, seed: i + 2 })), 2000)}`);
    console.log(`  stage breakdown by model, 24 h: ${fmt(await time(o.runs, () => stageBreakdown(store, DEFAULT_PROJECT_ID, { window: day.comparison, groupBy: 'model' })), 2000)}`);
    console.log(`  deploy markers, 7 days: ${fmt(await time(o.runs, () => deployMarkers(store, DEFAULT_PROJECT_ID, end - 7 * DAY, end)), 2000)}`);
    const ids = (await store.query<{ trace_id: string }>(sql`SELECT trace_id FROM request_stages WHERE project_id = ${DEFAULT_PROJECT_ID} ORDER BY cityHash64(trace_id) LIMIT ${Math.max(1, o.runs + 1)}`)).map((r) => r.trace_id);
    console.log(`  one request's stages (random traces): ${fmt(await time(o.runs, (i) => getRequestStages(store, DEFAULT_PROJECT_ID, ids[(i + 1) % ids.length]!)), 50)}`);
    // The same lookup shape as trace-by-id (trace_index bounds, then the hours): its time on this
    // machine right now puts the figure above in context when the machine is loaded.
    console.log(`  for scale, trace-by-id of the same traces (getTrace): ${fmt(await time(o.runs, (i) => getTrace(store, DEFAULT_PROJECT_ID, ids[(i + 1) % ids.length]!)), 100)}`);
  } finally {
    await store.close();
  }
}
