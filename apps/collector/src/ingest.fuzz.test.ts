import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTraceRequestJson, decodeTraceRequestProtobuf, OtlpDecodeError } from '@plumb/otlp';
import { PriceCatalog } from '@plumb/pricing';
import { DEFAULT_SEMCONV_OPTIONS } from '@plumb/semconv';
import { serializeSpanRow, sql, type SpanRow } from '@plumb/store';
import { jsonBody, mutateBytes, mutateText, protobufBody, Rng, textBytes } from './fuzz/bodies.ts';
import { MAX_TIME_NS, MAX_TOKENS_PER_BUCKET } from './pipeline/bounds.ts';
import { convertRequest, type ConvertOptions } from './pipeline/convert.ts';
import { hexId, otlpJson, postJson, startTestCollector, type TestCollector } from './testing.ts';

/*
 * Fuzz suite for the ingest path: seeded random and mutated OTLP bodies (protobuf and JSON:
 * deep nesting, groups, huge varints, truncated fields, wrong wire types, invalid UTF-8 and lone
 * surrogates, NaN/Infinity, absurd numbers, gzip bombs). Most go straight through the decoders
 * and convert in-process; a few thousand through the real HTTP receiver on the embedded engine.
 *
 * Properties: a decoder returns or throws OtlpDecodeError with a message (nothing else); every
 * row convert builds is one the store accepts (valid strings, kind 0..5, event times in range,
 * bounded token counts); no body takes more than a second; the heap comes back; over HTTP every
 * refusal is a 4xx with a message, never a 5xx, the store rejects no row, and a valid batch is
 * accepted afterwards. Reproduce a failure with PLUMB_FUZZ_SEED=<seed printed below>.
 */

const SEED = (process.env.PLUMB_FUZZ_SEED ? Number(process.env.PLUMB_FUZZ_SEED) : Date.now() % 2 ** 32) >>> 0;
const SCALE = Number(process.env.PLUMB_FUZZ_SCALE ?? 1);
const IN_PROCESS = Math.round(8_000 * SCALE);
const OVER_HTTP = Math.round(2_000 * SCALE);
/**
 * One body taking longer than this (decode + convert) counts as a hang. Bodies are at most a few
 * hundred KiB and take milliseconds; the margin is for a machine shared by many test runs.
 */
const MAX_BODY_MS = 5_000;
const LIMIT = 64; // attribute / text limit: small, so truncation happens all the time

console.log(`ingest fuzz: seed ${SEED} (reproduce with PLUMB_FUZZ_SEED=${SEED})`);

const OPTS: ConvertOptions = { semconv: DEFAULT_SEMCONV_OPTIONS, maxAttributeLength: LIMIT, maxTextLength: LIMIT };
const prices = new PriceCatalog();
const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** A real garbage collection (vitest runs without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

type Format = 'protobuf' | 'json';

/** The n-th fuzz body of a run: a pure function of (seed, n). */
function makeBody(seed: number, n: number): { format: Format; body: Uint8Array } {
  const r = new Rng(seed ^ Math.imul(n + 1, 0x9e3779b1));
  const nowMs = 1_760_000_000_000;
  if (r.chance(0.5)) {
    const body = protobufBody(r, LIMIT, BigInt(nowMs) * 1_000_000n);
    return { format: 'protobuf', body: r.chance(0.5) ? mutateBytes(r, body) : body };
  }
  const text = jsonBody(r, LIMIT, nowMs);
  return { format: 'json', body: textBytes(r, r.chance(0.5) ? mutateText(r, text) : text) };
}

function describeBody(n: number, format: Format, body: Uint8Array): string {
  const head = Buffer.from(body.subarray(0, 600));
  return `seed ${SEED} body #${n} (${format}, ${body.length} bytes; reproduce with PLUMB_FUZZ_SEED=${SEED}); starts ${format === 'json' ? JSON.stringify(head.toString('utf8')) : head.toString('hex')}`;
}

/** Every problem with a row the store would refuse or miscount. */
function rowProblems(row: SpanRow): string[] {
  const problems: string[] = [];
  const strings = (where: string, v: unknown): void => {
    if (typeof v === 'string') {
      if (!isWellFormed(v)) problems.push(`${where}: lone surrogate in ${JSON.stringify(v.slice(0, 80))}`);
    } else if (Array.isArray(v)) v.forEach((x, i) => strings(`${where}[${i}]`, x));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (!isWellFormed(k)) problems.push(`${where}: lone surrogate in key ${JSON.stringify(k)}`);
        strings(`${where}.${k}`, x);
      }
    }
  };
  strings('row', row);
  if (!Number.isInteger(row.kind) || row.kind < 0 || row.kind > 5) problems.push(`kind ${row.kind}`);
  if (row.startTimeUnixNano <= 0n || row.startTimeUnixNano >= MAX_TIME_NS) problems.push(`start ${row.startTimeUnixNano}`);
  for (const e of row.events) if (e.timeUnixNano <= 0n || e.timeUnixNano >= MAX_TIME_NS) problems.push(`event time ${e.timeUnixNano}`);
  for (const t of [row.inputTokens, row.outputTokens, row.cacheReadTokens, row.cacheWriteTokens, row.reasoningTokens]) {
    if (!Number.isSafeInteger(t) || t < 0 || t > MAX_TOKENS_PER_BUCKET) problems.push(`token count ${t}`);
  }
  JSON.parse(serializeSpanRow(row)); // serializes to one parseable line
  return problems;
}

describe(`ingest fuzz (seed ${SEED})`, () => {
  it(`${IN_PROCESS} random and mutated bodies through the decoders and convert: OtlpDecodeError or storable rows, no hang, heap bounded`, { timeout: 240_000 }, () => {
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const outcome = { decoded: 0, rejected: 0, rows: 0, protobuf: 0, json: 0 };
    let slowest = 0;
    for (let n = 0; n < IN_PROCESS; n++) {
      const { format, body } = makeBody(SEED, n);
      outcome[format]++;
      const t0 = performance.now();
      let failure: Error | null = null;
      try {
        checkBody(format, body, outcome);
      } catch (err) {
        failure = new Error(`${(err as Error).message}\n  ${describeBody(n, format, body)}`, { cause: err });
      }
      const ms = performance.now() - t0;
      if (ms > slowest) slowest = ms;
      if (failure) throw failure;
      if (ms > MAX_BODY_MS) throw new Error(`body took ${ms.toFixed(0)} ms\n  ${describeBody(n, format, body)}`);
    }
    collectGarbage();
    const grownMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    console.log(`ingest fuzz in-process: ${JSON.stringify(outcome)}, slowest body ${slowest.toFixed(1)} ms, heap grew ${grownMiB.toFixed(1)} MiB`);
    // Both outcomes must be common, or the generator has stopped exercising one side.
    expect(outcome.decoded).toBeGreaterThan(IN_PROCESS * 0.2);
    expect(outcome.rejected).toBeGreaterThan(IN_PROCESS * 0.1);
    expect(outcome.rows).toBeGreaterThan(IN_PROCESS * 0.2);
    expect(grownMiB).toBeLessThan(64);
  });

  describe('over HTTP, on the real collector and engine', () => {
    let t: TestCollector;
    beforeAll(async () => {
      // No fsync: durability is the fault suite's subject; here it would only add wall time.
      t = await startTestCollector({ maxBodyBytes: 1 << 20, maxDecompressedBytes: 1 << 20, maxAttributeLength: LIMIT, maxTextLength: LIMIT, contextHoldMs: 50, walFsync: false });
    });
    afterAll(async () => t?.stop());

    /** The message of an error response (OTLP Status as JSON or protobuf). */
    function statusMessage(contentType: string, body: Buffer): string {
      if (contentType.includes('json')) return String((JSON.parse(body.toString('utf8')) as { message?: unknown }).message ?? '');
      // google.rpc.Status: field 1 code (varint), field 2 message (string).
      let i = 0;
      while (i < body.length) {
        const tag = body[i++]!;
        if (tag === 0x08) while (body[i++]! & 0x80);
        else if (tag === 0x12) {
          let len = 0;
          for (let shift = 0; ; shift += 7) {
            const b = body[i++]!;
            len |= (b & 0x7f) << shift;
            if (b < 0x80) break;
          }
          return body.subarray(i, i + len).toString('utf8');
        } else return '';
      }
      return '';
    }

    it(`${OVER_HTTP} bodies (identity, gzip, deflate, gzip bombs, bad encodings): 200 or a 4xx with a message, never 5xx; every accepted row stored; a valid batch accepted afterwards`, { timeout: 240_000 }, async () => {
      const bomb = gzipSync(Buffer.alloc(64 << 20), { level: 9 }); // 64 MiB of zeros in ~64 KiB
      collectGarbage();
      const heapBefore = process.memoryUsage().heapUsed;
      const statuses = new Map<number, number>();
      const r = new Rng(SEED ^ 0x5bd1e995);
      const send = async (n: number): Promise<void> => {
        const { format, body } = makeBody(SEED ^ 0x1234567, n);
        const headers: Record<string, string> = { 'content-type': format === 'json' ? 'application/json' : 'application/x-protobuf' };
        let wire: Uint8Array = body;
        const roll = r.int(100);
        if (roll < 15) {
          headers['content-encoding'] = 'gzip';
          wire = gzipSync(body);
        } else if (roll < 18) {
          headers['content-encoding'] = 'deflate';
          wire = deflateSync(body);
        } else if (roll < 20) {
          headers['content-encoding'] = 'gzip';
          wire = bomb;
        } else if (roll < 22) {
          headers['content-encoding'] = 'gzip';
          wire = gzipSync(body).subarray(0, 12); // truncated stream
        } else if (roll < 23) {
          headers['content-encoding'] = 'br';
        } else if (roll < 24) {
          headers['content-type'] = 'text/plain';
        }
        const res = await fetch(`${t.url}/v1/traces`, { method: 'POST', headers, body: new Uint8Array(wire), signal: AbortSignal.timeout(30_000) });
        const payload = Buffer.from(await res.arrayBuffer());
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const where = `${describeBody(n, format, body)} sent as ${JSON.stringify(headers)}`;
        if (res.status >= 500) throw new Error(`HTTP ${res.status}: ${payload.toString('utf8').slice(0, 300)}\n  ${where}`);
        if (res.status !== 200) {
          expect([400, 413, 415], where).toContain(res.status);
          expect(statusMessage(res.headers.get('content-type') ?? '', payload), where).not.toBe('');
        }
      };
      // A few senders at once, as real exporters do.
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < OVER_HTTP) await send(next++);
        }),
      );
      await t.collector.flush();
      collectGarbage();
      // The collector runs in this process: bodies, bombs and decoded spans must all be released.
      const grownMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
      console.log(`ingest fuzz over HTTP: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, heap grew ${grownMiB.toFixed(1)} MiB`);
      expect(grownMiB).toBeLessThan(96);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(OVER_HTTP * 0.2);
      expect(statuses.get(400) ?? 0).toBeGreaterThan(OVER_HTTP * 0.1);
      expect(statuses.get(413) ?? 0).toBeGreaterThan(0);

      // Nothing the collector accepted was refused by the store, and the engine holds valid strings.
      await t.collector.flush();
      const metrics = t.collector.metrics.render();
      expect(metrics).not.toMatch(/plumb_collector_spans_rejected_total\{reason="store_rejected"\}/);
      const accepted = Number(/plumb_collector_spans_accepted_total (\d+)/.exec(metrics)?.[1] ?? 0);
      const written = Number(/plumb_collector_spans_written_total (\d+)/.exec(metrics)?.[1] ?? 0);
      expect(written).toBe(accepted);
      const [bad] = await t.store.query<{ n: number }>(sql`
        SELECT count() AS n FROM spans
        WHERE NOT (isValidUTF8(name) AND isValidUTF8(status_message) AND isValidUTF8(input_text) AND isValidUTF8(output_text)
          AND NOT arrayExists(v -> NOT isValidUTF8(v), mapValues(attributes))
          AND NOT arrayExists(k -> NOT isValidUTF8(k), mapKeys(attributes)))`);
      expect(bad!.n).toBe(0);
      // Resource attributes live once per resource (span_resources).
      const [badResource] = await t.store.query<{ n: number }>(sql`
        SELECT count() AS n FROM span_resources
        WHERE arrayExists(v -> NOT isValidUTF8(v), mapValues(attributes))
          OR arrayExists(k -> NOT isValidUTF8(k), mapKeys(attributes))`);
      expect(badResource!.n).toBe(0);

      // And the collector still takes an ordinary batch.
      const traceId = hexId(16);
      const ok = await postJson(t.url, otlpJson([{ traceId, spanId: hexId(8), name: 'after the fuzz', startMs: Date.now() - 1000, durationMs: 5 }]));
      expect(ok.status).toBe(200);
      expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
      await t.collector.flush();
      const [row] = await t.store.query<{ n: number }>(sql`SELECT count() AS n FROM spans FINAL WHERE trace_id = ${traceId}`);
      expect(row!.n).toBe(1);
    });
  });
});

/** Decodes and converts one fuzz body; throws when a property fails (unstorable row, bad error). */
function checkBody(format: 'protobuf' | 'json', body: Uint8Array, outcome: { decoded: number; rejected: number; rows: number }): void {
  let req;
  try {
    req = format === 'protobuf' ? decodeTraceRequestProtobuf(body) : decodeTraceRequestJson(body);
  } catch (err) {
    if (!(err instanceof OtlpDecodeError)) throw new Error(`decoder threw ${(err as Error).name}: ${(err as Error).message}`);
    if (!err.message) throw new Error('OtlpDecodeError without a message');
    outcome.rejected++;
    return;
  }
  outcome.decoded++;
  const { rows } = convertRequest(req, 'fuzz', prices, OPTS, 1_760_000_000_000);
  outcome.rows += rows.length;
  for (const row of rows) {
    const problems = rowProblems(row);
    if (problems.length) throw new Error(`unstorable row ${row.spanId}: ${problems.join('; ')}`);
  }
}
