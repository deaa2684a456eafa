// Scratch: JS cost per metric point of decode → convert → writer serialization (not committed).
import { convertMetrics } from '@plumb/collector';
import { decodeMetricsRequestProtobuf } from '@plumb/otlp';
import { Lines } from '../../../collector/src/pipeline/lines.ts';
import { METRIC_SINK } from '../../../collector/src/pipeline/metric-sink.ts';
import { BENCH_SHAPE, metricsBody, pointsPerRequest } from './metrics-template.ts';

const bodies: Buffer[] = [];
for (let i = 0; i < 200; i++) bodies.push(metricsBody(BENCH_SHAPE, (i % 8) * BENCH_SHAPE.hosts, BigInt(Date.now()) * 1_000_000n + BigInt(i)));
const per = pointsPerRequest(BENCH_SHAPE);
const known = new Set<string>();
function once(b: Buffer, lines: Lines, stage: number) {
  const req = decodeMetricsRequestProtobuf(b);
  if (stage < 1) return;
  const { rows } = convertMetrics(req, 'default', 4096);
  if (stage < 2) return;
  for (const r of rows) {
    const k = METRIC_SINK.resourceKey(r);
    if (!known.has(k)) { known.add(k); METRIC_SINK.serializeResource(r); }
    METRIC_SINK.write(r, lines);
  }
}
for (const stage of [0, 1, 2, 0, 1, 2]) {
  let lines = new Lines(1 << 20);
  const rounds = 15;
  const t0 = process.cpuUsage();
  for (let k = 0; k < rounds; k++) for (const b of bodies) { once(b, lines, stage); if (lines.count > 10000) lines = new Lines(1 << 20); }
  const c = process.cpuUsage(t0);
  console.log(['decode', '+convert', '+serialize'][stage], (((c.user + c.system) / (rounds * bodies.length * per))).toFixed(3), 'µs CPU/point');
}
