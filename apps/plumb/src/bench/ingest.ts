import { Collector, collectorConfigFromEnv, createCollectorServer, listen } from '@plumb/collector';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql, Store } from '@plumb/store';

import { benchContentControls } from './ingest-content.ts';
import { cpuPerThousand, cpuSample } from './cpu.ts';
import { benchStages } from './ingest-stage.ts';
import { rawInsertArms, type RawArm } from './ingest-raw.ts';

export interface IngestBenchOptions {
  durationSec: number;
  exporters: number;
  /** Rows per raw-insert arm (rounded to a multiple of 3 collector batches). */
  rawRows: number;
}

/** Each lever as the ratio of the raw insert rates of its two arms (same run). */
function levers(arms: RawArm[]): string {
  const r = (name: string) => {
    const a = arms.find((x) => x.name === name);
    return a ? a.rows / a.seconds : NaN;
  };
  const x = (a: string, b: string) => `×${(r(a) / r(b)).toFixed(2)}`;
  return `resource once ${x('hashed', 'wide')}, promoted attrs ${x('current', 'hashed')}, both ${x('current', 'wide')}, raw insert path ${x('current', 'exec')}, 3× inserts ${x('current3x', 'current')}, texts table ${x('texts-out', 'texts-in')}, materialized views ${x('spans+mv', 'current')}, insert settings ${x('spans+set', 'spans+mv')}`;
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

/**
 * `plumb bench ingest`: collector + embedded engine in this process, load from a child process.
 * Prints accepted and sustained spans/s, export latency, peak RSS, and — in the same run — the
 * raw engine insert rate of the same rows pre-serialized in several layouts (the 0004 wide row,
 * each slimming lever, the row the collector writes, and the issue's lean 27-column baseline),
 * with the collector's ratio to its own row and to the lean row.
 */
export async function benchIngest(opts: IngestBenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-bench-ingest-'));
  const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 30 });
  await store.migrate();
  const config = { ...collectorConfigFromEnv({}), walDir: join(dir, 'wal'), port: 0, host: '127.0.0.1' };
  const collector = await Collector.start(store, config, (m) => console.error(m));
  const server = createCollectorServer(collector, { log: (m) => console.error(m) });
  const port = await listen(server, 0, '127.0.0.1');

  let peakRss = 0;
  let peakHeap = 0;
  // rss() is cheap; the full memoryUsage() walks the heap spaces (1 % of the collector's
  // thread at 10 Hz in the profile), so it is sampled once a second.
  let ticks = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (ticks++ % 10 === 0) {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapTotal + m.external);
    }
  }, 100);

  console.log(`bench ingest: ${opts.exporters} exporters × 512-span protobuf batches for ${opts.durationSec}s → collector + embedded chDB in one process (2 cores shared with the load generator)`);
  const cpu0 = cpuSample();
  const child = fork(join(import.meta.dirname, 'ingest-load.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const load = await new Promise<{ accepted: number; elapsedMs: number; requests: number; p50: number; p99: number; max: number; statuses: Record<string, number> }>(
    (resolve, reject) => {
      child.once('message', resolve as never);
      child.once('error', reject);
      child.once('exit', (code) => code && reject(new Error(`load generator exited with ${code}`)));
      child.send({ url: `http://127.0.0.1:${port}`, exporters: opts.exporters, durationMs: opts.durationSec * 1000, seqBase: 1 });
    },
  );
  const drainStart = performance.now();
  await collector.flush();
  const drainMs = performance.now() - drainStart;
  const cpu1 = cpuSample();
  clearInterval(sampler);
  const [stored] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM spans`);
  // (before the raw arms: one of them inserts into `spans` itself)

  const acceptedRate = load.accepted / (load.elapsedMs / 1000);
  const sustainedRate = load.accepted / ((load.elapsedMs + drainMs) / 1000);

  // Raw engine, same run: the bench's rows pre-serialized, one arm per row layout.
  // --raw-rows 0 skips them (e.g. to profile the collector alone).
  const arms = opts.rawRows > 0 ? await rawInsertArms(store, opts.rawRows, config.batchMaxRows) : [];
  const rate = (a: RawArm) => a.rows / a.seconds;
  const own = arms.find((a) => a.name === 'current');
  const lean = arms.find((a) => a.name === 'lean');
  const spansSet = arms.find((a) => a.name === 'spans+set');
  const rawLines = own && lean
    ? `  raw engine insert        ${own.rows} rows per arm, pre-serialized JSONCompactEachRow, ${config.batchMaxRows}-row inserts, arms interleaved
${arms.map((a) => `    ${a.name.padEnd(10)} ${String(Math.round(rate(a))).padStart(7)} rows/s  ${String(Math.round(a.bytesPerRow)).padStart(5)} B/row  ${((a.cpuUs / a.rows)).toFixed(1).padStart(5)} ms CPU/1k  ${a.label}`).join('\n')}
  levers (raw rate ratios) ${levers(arms)}
  ratio collector/own row  ${(sustainedRate / rate(own)).toFixed(2)}   (sustained ÷ raw insert of the row the collector writes)
  ratio collector/lean row ${(sustainedRate / rate(lean)).toFixed(2)}   (target ≥ 0.5)${spansSet ? `
  ratio collector/spans+set ${(sustainedRate / rate(spansSet)).toFixed(2)}  (÷ the raw insert the collector really makes: into spans, MVs, its settings)` : ''}`
    : '  raw engine insert        skipped (--raw-rows 0)';

  console.log(`
  requests                 ${load.requests} (${Object.entries(load.statuses).map(([s, n]) => `${s}: ${n}`).join(', ')})
  accepted spans           ${load.accepted} in ${(load.elapsedMs / 1000).toFixed(1)}s; stored ${stored!.n}
  accepted spans/s         ${Math.round(acceptedRate)}
  sustained spans/s        ${Math.round(sustainedRate)} (including ${drainMs.toFixed(0)} ms to drain the queue)
  export latency           p50 ${load.p50.toFixed(0)} ms, p99 ${load.p99.toFixed(0)} ms, max ${load.max.toFixed(0)} ms
  CPU (collector process)  ${cpuPerThousand(cpu0, cpu1, load.accepted)} (load and drain; the load generator is another process)
  peak RSS                 ${mib(peakRss)} (of which V8 heap + external buffers ${mib(peakHeap)}; the rest is the embedded engine)
${rawLines}
${benchContentControls()}
${benchStages()}
`);
  if (stored!.n !== load.accepted) console.log(`  WARNING: stored ${stored!.n} spans but ${load.accepted} were accepted`);

  await new Promise<void>((r) => server.close(() => r()));
  await collector.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
