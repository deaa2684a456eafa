import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rollupsJob } from '@plumb/worker';
import {
  DEFAULT_PROJECT_ID, dependencyHealth, LATENCY_DIMENSIONS, latencyHeatmap, latencyPercentiles, latencyRegion, latencySaturation, modelSpeed, sql, Store,
} from '@plumb/store';

export interface LatencyBenchOptions {
  spans: number;
  runs: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

async function time(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  const s = [...samples].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length / 2)]!, p95: s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]! };
}

/**
 * `plumb bench latency`: the /latency page's queries over the `bench query` store (its data dir,
 * ./data/bench-query-<N>; run `npm run bench:query` first). Target (issue 10): latency-by-dimension
 * charts for 7 days < 500 ms p95 — one `latency.percentiles` call = window stats + hourly series
 * per group, every dimension of the page. The heatmap, saturation, model speed and dependency
 * figures read raw spans and are reported without a target.
 */
export async function benchLatency(o: LatencyBenchOptions): Promise<void> {
  const dir = resolve(process.env.PLUMB_BENCH_DIR ?? `./data/bench-query-${o.spans}`);
  if (!existsSync(join(dir, 'ready'))) throw new Error(`bench latency: no bench store in ${dir}; run \`npm run bench:query\` first (it backfills the spans)`);
  const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 3650 });
  await store.migrate();
  const t0 = Date.now();
  const built = await rollupsJob((m) => console.log(`  ${m}`)).runOnce(store, new AbortController().signal, true);
  if (built) console.log(`  rolled up ${built} hours in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const [{ n = 0, hi = 0 } = {}] = await store.query<{ n: number; hi: number }>(sql`SELECT count() AS n, toUnixTimestamp64Milli(max(start_time)) AS hi FROM spans`);
  const to = Math.floor(Number(hi) / HOUR) * HOUR + HOUR;
  const from7 = to - 7 * DAY;
  const from1 = to - DAY;
  const P = DEFAULT_PROJECT_ID;
  console.log(`bench latency: ${Number(n).toLocaleString()} spans in the store; ${o.runs} runs each (p50 / p95 ms)`);
  const tenant = (await store.query<{ t: string }>(sql`SELECT tenant AS t FROM spans WHERE tenant != '' LIMIT 1`))[0]?.t ?? 'acme';
  const cases: [string, () => Promise<unknown>, number | null][] = [];
  cases.push(['percentiles 7d, all requests', () => latencyPercentiles(store, { projectId: P, from: from7, to, intervalMs: HOUR }), 500]);
  for (const d of LATENCY_DIMENSIONS) cases.push([`percentiles 7d by ${d}`, () => latencyPercentiles(store, { projectId: P, from: from7, to, intervalMs: HOUR, dimension: d }), 500]);
  cases.push(
    ['percentiles 7d by model, tenant filter', () => latencyPercentiles(store, { projectId: P, from: from7, to, intervalMs: HOUR, dimension: 'model', filters: { tenant: [tenant] } }), 500],
    ['heatmap 24h', () => latencyHeatmap(store, { projectId: P, from: from1, to, intervalMs: 15 * 60_000 }), null],
    ['heatmap 7d', () => latencyHeatmap(store, { projectId: P, from: from7, to, intervalMs: 2 * HOUR }), null],
    ['region 24h (500 ms–2 s)', () => latencyRegion(store, { projectId: P, from: from1, to, minMs: 500, maxMs: 2000 }), null],
    ['saturation 24h', () => latencySaturation(store, { projectId: P, from: from1, to, intervalMs: 15 * 60_000 }), null],
    ['saturation 7d', () => latencySaturation(store, { projectId: P, from: from7, to, intervalMs: 2 * HOUR }), null],
    ['model speed 7d', () => modelSpeed(store, { projectId: P, from: from7, to }), null],
    ['dependency health 7d', () => dependencyHealth(store, { projectId: P, from: from7, to }), null],
  );
  let failures = 0;
  for (const [name, fn, target] of cases) {
    const r = await time(o.runs, fn);
    const ok = target === null || r.p95 < target;
    if (!ok) failures++;
    console.log(`  ${name.padEnd(40)} ${r.p50.toFixed(0).padStart(6)} ${r.p95.toFixed(0).padStart(6)}   ${target === null ? '' : `target < ${target}  ${ok ? 'ok' : 'MISSED'}`}`);
  }
  console.log(failures ? `bench latency: ${failures} target(s) missed` : 'bench latency: all targets met');
  // A/B on a noisy machine: the same chart through the latency rollup (0014) and through
  // rollup_hourly (a filter on all statuses forces it: same rows, same numbers), interleaved run
  // by run; the ratio is what to compare across machines.
  console.log('bench latency: latency rollup vs rollup_hourly, interleaved (p50 ms, ratio)');
  const all = { status: ['unset', 'ok', 'error'] };
  let sumA = 0;
  let sumB = 0;
  for (const d of LATENCY_DIMENSIONS) {
    const a: number[] = [];
    const b: number[] = [];
    const q = { projectId: P, from: from7, to, intervalMs: HOUR, dimension: d };
    await latencyPercentiles(store, q);
    await latencyPercentiles(store, { ...q, filters: all });
    for (let i = 0; i < o.runs; i++) {
      let t = performance.now();
      await latencyPercentiles(store, q);
      a.push(performance.now() - t);
      t = performance.now();
      await latencyPercentiles(store, { ...q, filters: all });
      b.push(performance.now() - t);
    }
    const med = (x: number[]) => [...x].sort((m, n) => m - n)[Math.floor(x.length / 2)]!;
    sumA += med(a);
    sumB += med(b);
    console.log(`  by ${d.padEnd(16)} ${med(a).toFixed(0).padStart(6)} vs ${med(b).toFixed(0).padStart(6)}   ×${(med(b) / med(a)).toFixed(1)} faster`);
  }
  console.log(`  all dimensions      ${sumA.toFixed(0).padStart(6)} vs ${sumB.toFixed(0).padStart(6)}   ×${(sumB / sumA).toFixed(1)} faster`);
  await store.close();
}
