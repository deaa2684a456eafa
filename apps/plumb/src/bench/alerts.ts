import { fork } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseRule, type RuleSpec } from '@plumb/alerts';
import { Collector, collectorConfigFromEnv, createCollectorServer, listen } from '@plumb/collector';
import { DEFAULT_PROJECT_ID, listAllAlertRules, saveAlertRule, sql, Store } from '@plumb/store';
import { evaluateProject, runAlerts } from '@plumb/worker';

export interface AlertsBenchOptions {
  spans: number;
  rules: number;
  runs: number;
  /** Also run ingest at half its rate (measured first, same store) during evaluation passes. */
  ingest: boolean;
}

interface LoadResult { accepted: number; elapsedMs: number; statuses: Record<string, number> }

function load(url: string, durationMs: number, rate: number): Promise<LoadResult> {
  const child = fork(join(import.meta.dirname, 'alerts-load.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', resolve as never);
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`load generator exited with ${code}`)));
    child.send({ url, exporters: 8, durationMs, rate, seqBase: Math.floor(Math.random() * 1e9) });
  });
}

const MEASURES = ['requests', 'errors', 'error_rate', 'cost_usd', 'p95_latency_ms', 'p99_latency_ms', 'input_tokens', 'output_tokens', 'avg_latency_ms', 'ttft_p95_ms'];
const GROUPS = [['tenant'], ['model'], ['request_type'], ['service'], ['agent']];
const FILTERS: Record<string, string[]>[] = [{}, { tenant: ['acme', 'globex'] }];
const WINDOWS = ['5m', '1h'];

/** `rules` grouped rules over 5 group-bys × 2 filters × 2 windows = 20 shapes, measures and thresholds varied. */
export function benchRules(n: number): RuleSpec[] {
  return Array.from({ length: n }, (_, i) => {
    const shape = i % (GROUPS.length * FILTERS.length * WINDOWS.length);
    const groupBy = GROUPS[shape % GROUPS.length]!;
    const filters = FILTERS[Math.floor(shape / GROUPS.length) % FILTERS.length]!;
    const windowMs = WINDOWS[Math.floor(shape / (GROUPS.length * FILTERS.length))]!;
    const measure = MEASURES[Math.floor(i / 20) % MEASURES.length]!;
    return parseRule({
      name: `bench ${i} ${measure} by ${groupBy.join(',')}`, query: { measure, groupBy, filters }, windowMs,
      condition: { op: '>', warning: (i % 7) + 1, critical: (i % 7) * 10 + 5 }, forMs: i % 3 === 0 ? '2m' : 0, minSamples: i % 5 === 0 ? 3 : 0,
    });
  });
}

const ms = (t0: number) => performance.now() - t0;

/**
 * `plumb bench alerts`: `rules` grouped rules evaluated against a COPY of the query bench's store
 * (./data/bench-query-<N>, built by `plumb bench query`; chDB locks a data dir, and the copy is
 * migrated and written to, then deleted). Each pass evaluates every rule at the data's last minute
 * (all due), as the worker's alerts job does: one semantic-layer query per shape, instances
 * stepped and written, notifications flushed. Target: a pass well inside the 1-minute interval.
 * For comparison, a sample of rules is evaluated one by one (no sharing) and extrapolated.
 */
export async function benchAlerts(o: AlertsBenchOptions): Promise<void> {
  const source = resolve(process.env.PLUMB_BENCH_SOURCE ?? `./data/bench-query-${o.spans}`);
  if (!existsSync(join(source, 'ready'))) throw new Error(`bench alerts: no store at ${source}; run \`npm run bench:query\` first (or set PLUMB_BENCH_SOURCE)`);
  const dir = mkdtempSync(join(process.env.PLUMB_BENCH_TMP ?? tmpdir(), 'plumb-bench-alerts-'));
  const c0 = performance.now();
  cpSync(join(source, 'ch'), join(dir, 'ch'), { recursive: true });
  console.log(`bench alerts: copied ${source} to ${dir} in ${(ms(c0) / 1000).toFixed(0)} s`);
  const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 3650 });
  try {
    await store.migrate();
    const [{ n, hi } = { n: 0, hi: 0 }] = await store.query<{ n: number; hi: number }>(sql`SELECT count() AS n, toUnixTimestamp64Milli(max(start_time)) AS hi FROM spans`);
    const t1 = performance.now();
    for (const spec of benchRules(o.rules)) await saveAlertRule(store, DEFAULT_PROJECT_ID, null, spec, 'bench');
    console.log(`bench alerts: ${Number(n).toLocaleString()} spans; ${o.rules} rules saved in ${(ms(t1) / 1000).toFixed(1)} s`);
    const last = new Map<string, number>();
    const at0 = Math.floor(Number(hi) / 60_000) * 60_000;
    const passes: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      const stats = await runAlerts(store, at0 + r * 60_000, last);
      passes.push(stats.ms);
      console.log(`  pass ${r + 1}: ${stats.rules} rules, ${stats.queries} queries (${stats.failedQueries} failed), ${stats.instances.toLocaleString()} instances, ${stats.transitions} transitions in ${stats.ms.toLocaleString()} ms (queries ${Math.round(stats.queryMs).toLocaleString()} ms) ${stats.ms < 60_000 ? '✓ (< 60 s interval)' : '✗ (over the 60 s interval)'}`);
    }
    if (o.ingest) await withIngest(store, dir, at0 + o.runs * 60_000, last);
    // No sharing: a sample of rules, each evaluated on its own (its own queries), extrapolated.
    const rules = await listAllAlertRules(store);
    const sample = rules.filter((_, i) => i % Math.max(1, Math.floor(rules.length / 40)) === 0).slice(0, 40);
    const t2 = performance.now();
    for (const rule of sample) await evaluateProject(store, DEFAULT_PROJECT_ID, [rule], at0 + (o.runs + 10) * 60_000);
    const per = ms(t2) / sample.length;
    const shared = passes.slice(1).length > 0 ? passes.slice(1) : passes;
    const median = [...shared].sort((a, b) => a - b)[Math.floor(shared.length / 2)]!;
    console.log(`  unshared: ${per.toFixed(0)} ms per rule (${sample.length} rules one by one) → ≈ ${((per * rules.length) / 1000).toFixed(0)} s for ${rules.length} rules; shared pass (median of later passes) ${median.toLocaleString()} ms = ${(per * rules.length / median).toFixed(1)}× faster`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Ingest at half its rate while the rules are evaluated: the collector runs in this process on
 * the same store (as `plumb start` does); its full rate is measured first (15 s, unpaced), then a
 * paced load at half of it runs while evaluation passes follow each other. Reports the passes,
 * the rate reached and every HTTP status (429/503 = the collector shed load).
 */
async function withIngest(store: Store, dir: string, at: number, last: Map<string, number>): Promise<void> {
  const config = { ...collectorConfigFromEnv({}), walDir: join(dir, 'wal'), port: 0, host: '127.0.0.1' };
  const collector = await Collector.start(store, config, (m) => console.error(m));
  const server = createCollectorServer(collector, { log: (m) => console.error(m) });
  const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  try {
    const d0 = performance.now();
    const full = await load(url, 15_000, 0);
    await collector.flush();
    const fullRate = full.accepted / (ms(d0) / 1000);
    console.log(`  ingest alone: ${Math.round(fullRate).toLocaleString()} spans/s sustained (statuses ${JSON.stringify(full.statuses)})`);
    const half = fullRate / 2;
    const running = load(url, 90_000, half);
    let done = false;
    void running.finally(() => { done = true; });
    let pass = 0;
    while (!done) {
      const stats = await runAlerts(store, at + pass * 60_000, last);
      pass++;
      console.log(`  with ingest at ${Math.round(half).toLocaleString()} spans/s: pass ${pass}: ${stats.rules} rules, ${stats.queries} queries in ${stats.ms.toLocaleString()} ms (queries ${Math.round(stats.queryMs).toLocaleString()} ms) ${stats.ms < 60_000 ? '✓' : '✗'}`);
    }
    const r = await running;
    await collector.flush();
    const shed = (r.statuses['429'] ?? 0) + (r.statuses['503'] ?? 0);
    console.log(`  paced ingest: ${Math.round(r.accepted / (r.elapsedMs / 1000)).toLocaleString()} spans/s accepted of ${Math.round(half).toLocaleString()} asked; statuses ${JSON.stringify(r.statuses)} ${shed === 0 ? '✓ no 429/503' : `✗ ${shed} shed`}`);
  } finally {
    await new Promise((res) => server.close(res));
    await collector.stop();
  }
}
