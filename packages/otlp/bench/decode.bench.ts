/**
 * Decode throughput of both OTLP trace formats on 512-span requests with ~20 attributes.
 * Run: npx tsx packages/otlp/bench/decode.bench.ts [--spans=512] [--seconds=2]
 */
import { decodeTraceRequestJson, decodeTraceRequestProtobuf } from '../src/index.ts';
import { benchSpans, toJson, toProtobuf } from '../src/testing/otel-fixtures.ts';

const arg = (name: string, dflt: number): number => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.slice(name.length + 3)) : dflt;
};
const SPANS = arg('spans', 512);
const SECONDS = arg('seconds', 2);

const spans = benchSpans(SPANS, 20);
const proto = toProtobuf(spans);
const json = toJson(spans);

/**
 * Reports throughput per wall-clock second and per CPU second of this process. The machine is
 * shared, so the CPU figure (which excludes time spent waiting for a core) is the steadier one;
 * it includes GC helper threads.
 */
function bench(label: string, bytes: number, fn: () => unknown): void {
  // Warm up so the optimizing compiler has run before timing.
  for (let i = 0; i < 50; i++) fn();
  let iterations = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const budget = BigInt(Math.round(SECONDS * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    fn();
    iterations++;
    elapsed = process.hrtime.bigint() - t0;
  }
  const cpu = process.cpuUsage(cpu0);
  const wallSecs = Number(elapsed) / 1e9;
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  const perWall = (iterations * SPANS) / wallSecs;
  const perCpu = (iterations * SPANS) / cpuSecs;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);
  console.log(
    `${label.padEnd(11)} ${fmt(perWall)} spans/s wall  ${fmt(perCpu)} spans/s cpu` +
      `  ${((iterations * bytes) / wallSecs / 1e6).toFixed(1).padStart(6)} MB/s` +
      `  (${bytes} B/request, ${Math.round(bytes / SPANS)} B/span, ${iterations} requests)`,
  );
}

console.log(`node ${process.version}, ${SPANS} spans/request, ~20 attributes/span`);
bench('protobuf', proto.length, () => decodeTraceRequestProtobuf(proto));
bench('json', json.length, () => decodeTraceRequestJson(json));
// Reference point: the share of JSON decode that is JSON.parse itself.
const text = new TextDecoder().decode(json);
bench('JSON.parse', json.length, () => JSON.parse(text));
