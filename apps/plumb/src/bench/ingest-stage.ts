import { convertRequest } from '@plumb/collector';
import { decodeTraceRequestProtobuf } from '@plumb/otlp';
import { PriceCatalog } from '@plumb/pricing';
import { DEFAULT_SEMCONV_OPTIONS } from '@plumb/semconv';
import { serializeSpanRow } from '@plumb/store';
import { cpuSample } from './cpu.ts';
import { buildTemplate, stamp } from './template.ts';

/**
 * The collector thread's per-span work without the engine, for `plumb bench ingest`: decode,
 * convert (validate, normalize, price, flatten + promote attributes) and serialize the bench's
 * 512-span requests, in a loop on this thread. Median wall time per stage over the rounds (robust
 * to being descheduled on a shared machine) and this thread's CPU per 1k spans overall.
 */
export function benchStages(rounds = 60): string {
  const t = buildTemplate(512);
  const catalog = new PriceCatalog([]);
  const opts = { semconv: DEFAULT_SEMCONV_OPTIONS, maxAttributeLength: 16 * 1024, maxTextLength: 32 * 1024 };
  const decode: number[] = [];
  const convert: number[] = [];
  const serialize: number[] = [];
  let spans = 0;
  let bytes = 0;
  let cpu0 = cpuSample();
  for (let i = 0; i < rounds + 5; i++) {
    if (i === 5) cpu0 = cpuSample(); // after warm-up
    const body = stamp(t, 3_000_000_000 + i);
    const a = performance.now();
    const req = decodeTraceRequestProtobuf(body);
    const b = performance.now();
    const { rows } = convertRequest(req, 'bench', catalog, opts, Date.now());
    const c = performance.now();
    const parts: string[] = [];
    for (const r of rows) parts.push(serializeSpanRow(r));
    bytes += Buffer.byteLength(parts.join(''));
    const d = performance.now();
    if (i < 5) continue;
    decode.push(b - a);
    convert.push(c - b);
    serialize.push(d - c);
    spans += rows.length;
  }
  const cpu1 = cpuSample();
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]! / t.spans * 1000;
  const us = (xs: number[]) => `${med(xs).toFixed(1)} µs`;
  const thread = cpu1.mainUs !== null && cpu0.mainUs !== null ? `${((cpu1.mainUs - cpu0.mainUs) / spans).toFixed(1)} µs CPU/span on this thread` : '';
  return `  collector stages         decode ${us(decode)}, convert ${us(convert)}, serialize ${us(serialize)} per span (median of ${rounds} rounds of ${t.spans}); ${thread}; ${Math.round(bytes / spans)} B/row`;
}
