import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { backfill } from '@plumb/demo';
import { compactJob, rollupsJob } from '@plumb/worker';
import { compile, DEFAULT_PROJECT_ID, getTrace, listTraces, overview, planMetricsQuery, queryMetrics, sql, Store, summarizeTraces, type ListTracesQuery } from '@plumb/store';

export interface QueryBenchOptions {
  spans: number;
  days: number;
  runs: number;
}

const DAY = 86_400_000;

function p95(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] ?? 0;
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)]!, p95: p95(samples) };
}

/**
 * `plumb bench query`: the dashboard's queries against `spans` spans of history (kept between
 * runs in ./data/bench-query-<N>, so only the first run pays for the backfill). Each query runs
 * `runs` times; the targets are overview/explorer p95 < 500 ms and trace-by-id p95 < 100 ms.
 */
export async function benchQuery(o: QueryBenchOptions): Promise<void> {
  const dir = resolve(process.env.PLUMB_BENCH_DIR ?? `./data/bench-query-${o.spans}`);
  const fresh = !existsSync(join(dir, 'ready'));
  mkdirSync(dir, { recursive: true });
  const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 3650 });
  await store.migrate();
  if (fresh) {
    console.log(`bench query: backfilling ${o.spans.toLocaleString()} spans over ${o.days} days (first run only)…`);
    await store.command(sql`TRUNCATE TABLE spans`);
    await store.command(sql`TRUNCATE TABLE trace_index`);
    let last = 0;
    const r = await backfill(store, {
      days: o.days,
      spans: o.spans,
      seed: 7,
      onProgress: (p) => {
        if (p.elapsedMs - last < 10_000) return;
        last = p.elapsedMs;
        console.log(`  ${p.spans.toLocaleString()} spans (${Math.round(p.spansPerSec).toLocaleString()}/s)`);
      },
    });
    console.log(`  backfilled ${r.spans.toLocaleString()} spans in ${(r.elapsedMs / 1000).toFixed(0)} s (${Math.round(r.spansPerSec).toLocaleString()}/s)`);
    await store.command(sql`OPTIMIZE TABLE trace_index FINAL`);
    // Steady state: the worker has merged closed days (see apps/worker compact job).
    await compactJob((m) => console.log(`  ${m}`)).run(store, new AbortController().signal);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'ready'), String(Date.now()));
  }
  // Steady state: the worker has rolled up every closed hour (a no-op when already built).
  const t0 = Date.now();
  const built = await rollupsJob((m) => console.log(`  ${m}`)).runOnce(store, new AbortController().signal, true);
  if (built) console.log(`  rolled up ${built} hours in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const [{ n, lo, hi } = { n: 0, lo: 0, hi: 0 }] = await store.query<{ n: number; lo: number; hi: number }>(
    sql`SELECT count() AS n, toUnixTimestamp64Milli(min(start_time)) AS lo, toUnixTimestamp64Milli(max(start_time)) AS hi FROM spans`,
  );
  const to = hi + 1;
  const windows = { '24h': to - DAY, '7d': to - 7 * DAY, '30d': Math.max(lo, to - 30 * DAY) };
  console.log(`bench query: ${n.toLocaleString()} spans in the store; ${o.runs} runs each (p50 / p95 ms)`);

  const base: ListTracesQuery = { projectId: DEFAULT_PROJECT_ID, from: windows['24h'], to, limit: 50 };
  const tenant = (await store.query<{ t: string }>(sql`SELECT tenant AS t FROM spans WHERE tenant != '' LIMIT 1`))[0]?.t ?? 'acme';
  const cases: [string, () => Promise<unknown>, number][] = [];
  for (const [w, from] of Object.entries(windows)) cases.push([`overview ${w}`, () => overview(store, DEFAULT_PROJECT_ID, from, to), 500]);
  cases.push(
    ['cost by tenant × model 30d', () => queryMetrics(store, { projectId: DEFAULT_PROJECT_ID, measures: ['cost_usd'], groupBy: ['tenant', 'model'], from: windows['30d'], to, limit: 10_000 }), 300],
    ['metrics p95 by model 7d', () => queryMetrics(store, { projectId: DEFAULT_PROJECT_ID, measures: ['p95_latency_ms', 'cost_usd'], groupBy: ['model'], from: windows['7d'], to, filters: {} }), 500],
    ['explorer 24h', () => listTraces(store, base), 500],
    ['explorer 24h tenant', () => listTraces(store, { ...base, tenant: [tenant] }), 500],
    ['explorer 24h errors by duration', () => listTraces(store, { ...base, status: 'error', sort: 'durationMs', order: 'desc' }), 500],
    ['explorer 7d min cost', () => listTraces(store, { ...base, from: windows['7d'], minCostUsd: 0.05, sort: 'costUsd', order: 'desc' }), 500],
    ['explorer 24h text', () => listTraces(store, { ...base, text: 'web_search' }), 500],
    ['overview 24h tenant filter', () => overview(store, DEFAULT_PROJECT_ID, windows['24h'], to, undefined, { tenant: [tenant] }), 500],
    ['overview 7d tenant filter', () => overview(store, DEFAULT_PROJECT_ID, windows['7d'], to, undefined, { tenant: [tenant] }), 500],
    ['explorer 24h by tokens', () => listTraces(store, { ...base, sort: 'totalTokens' }), 500],
    ['explorer summary 24h', () => summarizeTraces(store, base), 500],
    ['explorer summary 24h tenant', () => summarizeTraces(store, { ...base, tenant: [tenant] }), 500],
    ['explorer summary 24h model prefix', () => summarizeTraces(store, { ...base, model: ['gpt-4o'] }), 500],
  );
  const ids = await store.query<{ id: string }>(sql`SELECT trace_id AS id FROM spans WHERE parent_span_id = '' ORDER BY cityHash64(trace_id) LIMIT ${o.runs + 1}`);
  let i = 0;
  cases.push(['trace by id', () => getTrace(store, DEFAULT_PROJECT_ID, ids[i++ % ids.length]!.id), 100]);

  let failures = 0;
  for (const [name, fn, target] of cases) {
    const r = await time(o.runs, fn);
    const ok = r.p95 < target;
    if (!ok) failures++;
    console.log(`  ${name.padEnd(34)} ${r.p50.toFixed(0).padStart(6)} ${r.p95.toFixed(0).padStart(6)}   target < ${target}  ${ok ? 'ok' : 'MISSED'}`);
  }
  console.log(failures ? `bench query: ${failures} target(s) missed` : 'bench query: all targets met');
  await accuracy(store, lo, to);
  await store.close();
}

/**
 * Rollup vs raw on the bench data: sums must be equal exactly, sketch percentiles within 2 % of
 * the exact values, on random windows (seeded).
 */
async function accuracy(store: Store, lo: number, to: number): Promise<void> {
  let seed = 11;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  let worst = 0;
  let sumsEqual = true;
  const windows: [number, number][] = [[Math.max(lo, to - 30 * DAY), to]];
  for (let i = 0; i < 6; i++) {
    const a = lo + rand() * (to - lo - 2 * 3_600_000);
    windows.push([Math.floor(a), Math.floor(Math.min(to, a + 3_600_000 * (2 + rand() * 24 * 7)))]);
  }
  for (const [from, end] of windows) {
    const q = { projectId: DEFAULT_PROJECT_ID, from, to: end, measures: ['requests', 'cost_usd', 'input_tokens', 'p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms'], exactMoney: true };
    const rolled = await queryMetrics(store, q);
    const [raw] = await store.query<Record<string, unknown>>(compile(DEFAULT_PROJECT_ID, planMetricsQuery(q)));
    const r = rolled.rows[0]!;
    if (rolled.source !== 'rollup') continue;
    if (Number(r.requests) !== Number(raw!.m_requests) || String(r.cost_usd) !== String(raw!.s_cost_usd) || Number(r.input_tokens) !== Number(raw!.m_input_tokens)) sumsEqual = false;
    for (const m of ['p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms']) {
      const exact = Number(raw![`m_${m}`]);
      if (exact > 0) worst = Math.max(worst, Math.abs(Number(r[m]) - exact) / exact);
    }
  }
  console.log(`bench query: rollup vs raw on ${windows.length} windows: sums ${sumsEqual ? 'equal' : 'DIFFER'}; worst percentile error ${(worst * 100).toFixed(2)} % (target ≤ 2 %)`);
}
