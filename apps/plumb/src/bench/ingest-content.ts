import { ContentPolicy, convertRequest, encodeTraceRequestJson } from '@plumb/collector';
import { decodeTraceRequestProtobuf } from '@plumb/otlp';
import { PriceCatalog } from '@plumb/pricing';
import { DEFAULT_SEMCONV_OPTIONS } from '@plumb/semconv';
import { buildTemplate, stamp } from './template.ts';

/**
 * The hot-path cost of content controls, measured in the ingest bench run: the collector's CPU
 * stage (decode → convert) of the bench's 512-span requests without controls (what every project
 * without controls runs: the compiled policy is null), against the same stage with strict controls
 * (email / api_key / card patterns, two redacted keys, content truncated to 2 KiB, value limit;
 * a request the controls changed re-encoded for the WAL, as the collector does). Rounds interleave the two arms so machine noise
 * hits both; the ratio is the number to read.
 */
export function benchContentControls(rounds = 30): string {
  const t = buildTemplate(512);
  const catalog = new PriceCatalog([]);
  const opts = { semconv: DEFAULT_SEMCONV_OPTIONS, maxAttributeLength: 16 * 1024, maxTextLength: 32 * 1024 };
  const policy = ContentPolicy.compile({
    capture: 'truncate', captureMaxBytes: 2048, redactKeys: ['user.password', 'http.request.header.authorization'], redactPatterns: ['email', 'api_key', 'card'], maxValueBytes: 8192, maxSpanBytes: 0,
  })!;
  const time = { off: 0, on: 0 };
  let spans = 0;
  for (let i = 0; i < rounds + 3; i++) {
    const body = stamp(t, i + 1);
    const a = performance.now();
    convertRequest(decodeTraceRequestProtobuf(body), 'bench', catalog, opts, Date.now());
    const b = performance.now();
    const req = decodeTraceRequestProtobuf(body);
    const changed = policy.apply(req);
    if (changed.redacted + changed.truncated + changed.dropped > 0) encodeTraceRequestJson(req);
    convertRequest(req, 'bench', catalog, opts, Date.now());
    const c = performance.now();
    if (i < 3) continue; // warm-up
    time.off += b - a;
    time.on += c - b;
    spans += t.spans;
  }
  const rate = (ms: number) => Math.round(spans / (ms / 1000));
  return `  content controls (stage) decode+convert ${rate(time.off)} spans/s without controls, ${rate(time.on)} spans/s with strict controls (patterns, keys, truncation, WAL re-encode); ratio on/off ${(time.off / time.on).toFixed(2)} (${rounds} interleaved rounds of ${t.spans} spans)`;
}
