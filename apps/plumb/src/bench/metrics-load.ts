import { Agent, request } from 'node:http';
import { createOtlpGrpcClient } from '@plumb/collector';
import { BENCH_SHAPE as SHAPE, metricsStamper, pointsPerRequest } from './metrics-template.ts';
import { buildTemplate, stamp } from './template.ts';

/**
 * Load generator for `plumb bench metrics`, in a child process so the collector's process is
 * measured alone. Modes: `metrics-http` (OTLP/HTTP protobuf metrics), `traces-http` and
 * `traces-grpc` (the same 512-span protobuf trace bodies over either transport). Senders honour
 * 429/503 (and RESOURCE_EXHAUSTED/UNAVAILABLE) by waiting, like an OTLP exporter.
 */
export interface LoadParams {
  mode: 'metrics-http' | 'traces-http' | 'traces-grpc';
  httpUrl: string;
  grpcAddress: string;
  exporters: number;
  durationMs: number;
  seqBase: number;
}

export interface LoadResult {
  accepted: number;
  elapsedMs: number;
  requests: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  /** CPU-seconds the load generator itself spent (it shares the machine with the collector). */
  cpuSec: number;
}


function post(agent: Agent, url: URL, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function run(p: LoadParams): Promise<LoadResult> {
  const template = p.mode === 'metrics-http' ? null : buildTemplate(512);
  const agent = new Agent({ keepAlive: true, maxSockets: p.exporters });
  const grpc = p.mode === 'traces-grpc' ? createOtlpGrpcClient(p.grpcAddress) : null;
  const path = p.mode === 'metrics-http' ? '/v1/metrics' : '/v1/traces';
  const url = new URL(`${p.httpUrl}${path}`);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let accepted = 0;
  let seq = p.seqBase;
  const end = Date.now() + p.durationMs;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: p.exporters }, async (_, e) => {
      const stampMetrics = template ? null : metricsStamper(SHAPE, e * SHAPE.hosts);
      while (Date.now() < end) {
        const n = seq++;
        let body: Buffer;
        let units: number;
        if (template) {
          body = stamp(template, n);
          units = template.spans;
        } else {
          // Distinct hosts per exporter and a fresh nanosecond per request: every point is new.
          body = stampMetrics!(BigInt(Date.now()) * 1_000_000n + BigInt(n % 1_000_000));
          units = pointsPerRequest(SHAPE);
        }
        const s = performance.now();
        let ok: boolean;
        let key: string;
        if (grpc) {
          const r = await grpc.exportTraces(body);
          ok = r.code === 0;
          key = `grpc ${r.code}`;
        } else {
          const code = await post(agent, url, body);
          ok = code === 200;
          key = String(code);
        }
        latencies.push(performance.now() - s);
        statuses[key] = (statuses[key] ?? 0) + 1;
        if (ok) accepted += units;
        else await new Promise((r) => setTimeout(r, 1000));
      }
    }),
  );
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  grpc?.close();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (x: number) => latencies[Math.min(latencies.length - 1, Math.floor(x * latencies.length))] ?? 0;
  return { accepted, elapsedMs, requests: latencies.length, p50: q(0.5), p99: q(0.99), statuses, cpuSec: (cpu.user + cpu.system) / 1e6 };
}

process.once('message', (p: LoadParams) => {
  run(p).then(
    (r) => process.send!(r, () => process.exit(0)),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
});
