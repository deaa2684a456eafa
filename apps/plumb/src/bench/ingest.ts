import { Collector, collectorConfigFromEnv, convertRequest, createCollectorServer, listen } from '@plumb/collector';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decodeTraceRequestProtobuf } from '@plumb/otlp';
import { PriceCatalog } from '@plumb/pricing';
import { DEFAULT_SEMCONV_OPTIONS } from '@plumb/semconv';
import { SPAN_COLUMNS, serializeSpanRow, sql, Store } from '@plumb/store';

import { buildTemplate, stamp } from './template.ts';

export interface IngestBenchOptions {
  durationSec: number;
  exporters: number;
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

/**
 * `plumb bench ingest`: collector + embedded engine in this process, load from a child process.
 * Prints accepted spans/s, export latency, peak RSS, and — in the same run — the raw engine
 * insert rate of the same rows pre-serialized, and the ratio of the two.
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
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapTotal + m.external);
  }, 100);

  console.log(`bench ingest: ${opts.exporters} exporters × 512-span protobuf batches for ${opts.durationSec}s → collector + embedded chDB in one process (2 cores shared with the load generator)`);
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
  clearInterval(sampler);
  const [stored] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM spans`);

  const acceptedRate = load.accepted / (load.elapsedMs / 1000);
  const sustainedRate = load.accepted / ((load.elapsedMs + drainMs) / 1000);

  // Raw engine: the same rows, pre-serialized, inserted in batches of the collector's size.
  const template = buildTemplate(512);
  const catalog = new PriceCatalog();
  const batches: Buffer[] = [];
  const rowsPerBatch = config.batchMaxRows;
  const totalRaw = Math.max(rowsPerBatch * 5, Math.min(load.accepted, 200_000));
  let parts: string[] = [];
  let seq = 1_000_000_000;
  for (let made = 0; made < totalRaw; ) {
    const req = decodeTraceRequestProtobuf(stamp(template, seq++));
    const { rows } = convertRequest(req, 'default', catalog, { semconv: DEFAULT_SEMCONV_OPTIONS, maxAttributeLength: 16384, maxTextLength: 32768 }, Date.now());
    for (const r of rows) {
      parts.push(serializeSpanRow(r));
      if (parts.length === rowsPerBatch) {
        batches.push(Buffer.from(parts.join('')));
        parts = [];
      }
    }
    made += rows.length;
  }
  await store.command(sql`CREATE TABLE spans_raw_bench AS spans`);
  const rawStart = performance.now();
  for (const b of batches) await store.insertRaw('spans_raw_bench', SPAN_COLUMNS, b);
  const rawRate = (batches.length * rowsPerBatch) / ((performance.now() - rawStart) / 1000);

  console.log(`
  requests                 ${load.requests} (${Object.entries(load.statuses).map(([s, n]) => `${s}: ${n}`).join(', ')})
  accepted spans           ${load.accepted} in ${(load.elapsedMs / 1000).toFixed(1)}s; stored ${stored!.n}
  accepted spans/s         ${Math.round(acceptedRate)}
  sustained spans/s        ${Math.round(sustainedRate)} (including ${drainMs.toFixed(0)} ms to drain the queue)
  export latency           p50 ${load.p50.toFixed(0)} ms, p99 ${load.p99.toFixed(0)} ms, max ${load.max.toFixed(0)} ms
  peak RSS                 ${mib(peakRss)} (of which V8 heap + external buffers ${mib(peakHeap)}; the rest is the embedded engine)
  raw engine insert        ${Math.round(rawRate)} rows/s (same rows, pre-serialized JSONCompactEachRow, ${rowsPerBatch}-row inserts)
  ratio collector/raw      ${(sustainedRate / rawRate).toFixed(2)}
`);
  if (stored!.n !== load.accepted) console.log(`  WARNING: stored ${stored!.n} spans but ${load.accepted} were accepted`);

  await new Promise<void>((r) => server.close(() => r()));
  await collector.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
