import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeGrpc, Collector, collectorConfigFromEnv, createCollectorServer, createGrpcServer, listen, listenGrpc } from '@plumb/collector';
import { sql, Store } from '@plumb/store';
import type { LoadParams, LoadResult } from './metrics-load.ts';
import { rawMetricsInsert } from './metrics-raw.ts';
import { formatThreadCpu, threadCpu } from './thread-cpu.ts';
import { BENCH_SHAPE } from './metrics-template.ts';

export interface MetricsBenchOptions {
  durationSec: number;
  exporters: number;
  /** Alternating rounds of each trace transport (the ratio is taken per pair, then the median). */
  rounds: number;
}

function load(params: Omit<LoadParams, 'seqBase'>, seqBase: number): Promise<LoadResult> {
  const child = fork(join(import.meta.dirname, 'metrics-load.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', resolve as never);
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`load generator exited with ${code}`)));
    child.send({ ...params, seqBase });
  });
}

const rate = (r: LoadResult) => r.accepted / (r.elapsedMs / 1000);

/**
 * Runs `f` and returns its result with the CPU seconds this process (collector + embedded engine
 * threads) spent meanwhile: on a machine shared with other work, units per CPU-second say what
 * one dedicated core would sustain, where wall-clock rates mostly say how busy the machine was.
 */
async function withCpu<T>(f: () => Promise<T>): Promise<{ value: T; cpuSec: number }> {
  const c0 = process.cpuUsage();
  const value = await f();
  const c = process.cpuUsage(c0);
  return { value, cpuSec: (c.user + c.system) / 1e6 };
}
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * `plumb bench metrics`: collector (HTTP + gRPC) and embedded engine in this process, load from a
 * child process.
 * 1. Metrics ingest: dcgm-style protobuf metric exports over HTTP; data points/s acknowledged
 *    (WAL) and sustained to the store (until every point is inserted), and the stored count.
 * 2. Traces, gRPC vs HTTP protobuf: the same 512-span bodies, alternating transports round by
 *    round, acknowledged spans/s (up to the WAL ack); the ratio per pair and its median.
 */
export async function benchMetrics(opts: MetricsBenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-bench-metrics-'));
  const store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 30 });
  await store.migrate();
  const config = { ...collectorConfigFromEnv({}), walDir: join(dir, 'wal'), port: 0, host: '127.0.0.1', grpcPort: 0 };
  const collector = await Collector.start(store, config, (m) => console.error(m));
  const server = createCollectorServer(collector, { log: (m) => console.error(m) });
  const httpUrl = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  const grpc = createGrpcServer(collector, { log: (m) => console.error(m) });
  const grpcAddress = `127.0.0.1:${await listenGrpc(grpc, 0, '127.0.0.1')}`;
  const base = { httpUrl, grpcAddress, exporters: opts.exporters, durationMs: opts.durationSec * 1000 };
  try {
    console.log(`bench metrics: ${opts.exporters} exporters, ${opts.durationSec}s per arm, collector + embedded chDB in one process (load in a child process)`);
    const threads0 = threadCpu();
    const acked = await withCpu(() => load({ ...base, mode: 'metrics-http' }, 1));
    const m = acked.value;
    const drain0 = performance.now();
    const drained = await withCpu(() => collector.flush());
    const drainMs = performance.now() - drain0;
    const threads = formatThreadCpu(threads0, threadCpu());
    const cpuSec = acked.cpuSec + drained.cpuSec;
    const [stored] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM metric_points FINAL`);
    console.log(
      `metrics ingest (OTLP/HTTP protobuf, 320 dcgm points a request): ${fmt(rate(m))} points/s acknowledged (WAL), ` +
        `${fmt(m.accepted / ((m.elapsedMs + drainMs) / 1000))} points/s sustained to the store; ` +
        `${fmt(m.accepted / cpuSec)} points per CPU-second of the collector process (decode → WAL → insert, ${cpuSec.toFixed(1)} CPU-s); ` +
        `${fmt(m.accepted)} accepted, ${fmt(Number(stored?.n ?? 0))} stored; export p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms; statuses ${JSON.stringify(m.statuses)}; the load generator used ${m.cpuSec.toFixed(1)} CPU-s`,
    );
    if (threads) console.log(`  CPU-seconds by thread meanwhile (node = JS thread + V8/libuv helpers, GC included; the rest is the engine): ${threads}`);

    // The engine alone on the same rows (pre-serialized, same insert function and batch size):
    // the pipeline's figures as a ratio of it say what the collector adds on top of the engine.
    const raw = await rawMetricsInsert(store, BENCH_SHAPE, Math.max(100_000, Math.min(m.accepted, 400_000)), config.metricsBatchMaxRows);
    const rawRate = raw.points / raw.wallSec;
    const sustained = m.accepted / ((m.elapsedMs + drainMs) / 1000);
    const per100k = (cpu: number, n: number) => ((cpu / n) * 100_000).toFixed(2);
    console.log(
      `raw engine insert of the same rows (pre-serialized, ${fmt(config.metricsBatchMaxRows)}-row batches, as the collector's): ${fmt(rawRate)} points/s, ${fmt(raw.points / raw.cpuSec)} per CPU-second; ` +
        `CPU-seconds per 100k points: pipeline ${per100k(cpuSec, m.accepted)}, raw insert ${per100k(raw.cpuSec, raw.points)}; ` +
        `pipeline / raw insert: ×${(sustained / rawRate).toFixed(3)} points/s sustained, ×${(m.accepted / cpuSec / (raw.points / raw.cpuSec)).toFixed(3)} per CPU-second ` +
        `(target: ≥ 100,000 points/s)`,
    );

    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    let seq = 1;
    for (let i = 0; i < opts.rounds; i++) {
      // Alternate which transport goes first, so a drifting machine favours neither.
      const order: LoadParams['mode'][] = i % 2 === 0 ? ['traces-http', 'traces-grpc'] : ['traces-grpc', 'traces-http'];
      const got: Partial<Record<LoadParams['mode'], { value: LoadResult; cpuSec: number }>> = {};
      for (const mode of order) {
        got[mode] = await withCpu(() => load({ ...base, mode }, seq));
        seq += 10_000_000;
        await collector.flush(); // each arm starts with an empty writer backlog (not counted in its CPU)
      }
      const h = got['traces-http']!;
      const g = got['traces-grpc']!;
      const perCpu = (x: { value: LoadResult; cpuSec: number }) => x.value.accepted / x.cpuSec;
      ratios.push(rate(g.value) / rate(h.value));
      cpuRatios.push(perCpu(g) / perCpu(h));
      console.log(
        `  round ${i + 1}: HTTP ${fmt(rate(h.value))} spans/s (${fmt(perCpu(h))}/CPU-s, p99 ${h.value.p99.toFixed(1)} ms), ` +
          `gRPC ${fmt(rate(g.value))} spans/s (${fmt(perCpu(g))}/CPU-s, p99 ${g.value.p99.toFixed(1)} ms), gRPC/HTTP ×${(rate(g.value) / rate(h.value)).toFixed(3)} (per CPU-s ×${(perCpu(g) / perCpu(h)).toFixed(3)})`,
      );
    }
    console.log(
      `traces up to the WAL ack, gRPC / HTTP protobuf: median ×${median(ratios).toFixed(3)} spans/s, ×${median(cpuRatios).toFixed(3)} spans per CPU-second, over ${ratios.length} rounds (target: within 20 %)`,
    );
  } finally {
    await closeGrpc(grpc);
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    await collector.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
