import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@plumb/store';
import { hexId, otlpJson, postJson, startTestCollector, type TestCollector } from './testing.ts';

/*
 * Hostile input end to end, against the real collector on the embedded engine: the request is
 * answered, the span is stored with valid strings, and ingest keeps working afterwards.
 */

let t: TestCollector;
const now = Date.now() - 60_000;

beforeAll(async () => {
  t = await startTestCollector({ maxAttributeLength: 32 });
});
afterAll(async () => t?.stop());

/** Polls (not `flush`, which would wait forever on a writer stuck retrying) until `n` rows exist. */
async function waitForSpans(where: ReturnType<typeof sql>, n: number, ms = 15_000): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const [r] = await t.store.query<{ n: number }>(sql`SELECT count() AS n FROM spans FINAL WHERE ${where}`);
    if ((r?.n ?? 0) >= n || Date.now() > deadline) return r?.n ?? 0;
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe('defect 1: one span with an invalid string cannot stop ingest', () => {
  it('stores a JSON span with a lone surrogate (and an emoji cut at the limit) and the ordinary span after it', async () => {
    const traceId = hexId(16);
    const bad = hexId(8);
    const ordinary = hexId(8);
    // JSON.stringify writes a lone surrogate as the escape "\ud83d", exactly what a sender can post.
    const body = otlpJson([
      {
        traceId, spanId: bad, name: 'lone \ud83d surrogate', startMs: now, durationMs: 5,
        attributes: { 'user.note': 'half a pair: \ud83d', cut: 'x'.repeat(31) + '\u{1F600}' },
      },
    ]);
    expect(body).toContain('\\ud83d');
    const res = await postJson(t.url, body);
    expect(res.status).toBe(200);
    const next = await postJson(t.url, otlpJson([{ traceId, spanId: ordinary, name: 'ordinary', startMs: now + 10, durationMs: 5 }]));
    expect(next.status).toBe(200);

    expect(await waitForSpans(sql`trace_id = ${traceId}`, 2)).toBe(2);
    const [row] = await t.store.query<{ name: string; note: string; cut: string; ok: number }>(sql`
      SELECT name, attributes['user.note'] AS note, attributes['cut'] AS cut,
             isValidUTF8(name) AND isValidUTF8(note) AND isValidUTF8(cut) AS ok
      FROM spans FINAL WHERE span_id = ${bad}`);
    expect(row).toEqual({ name: 'lone \ufffd surrogate', note: 'half a pair: \ufffd', cut: 'x'.repeat(31), ok: 1 });
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });
});

describe('defect 8: input edges over HTTP', () => {
  it('answers 400 (not 503, which senders retry forever) for deeply nested protobuf groups', async () => {
    const groups = Buffer.concat([Buffer.alloc(100_000, 0x0b), Buffer.alloc(100_000, 0x0c)]);
    const res = await fetch(`${t.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: groups });
    expect(res.status).toBe(400);
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('stores a span with an out-of-range kind and bad event times; rejects only the span with absurd token counts', async () => {
    const traceId = hexId(16);
    const [odd, huge, fine] = [hexId(8), hexId(8), hexId(8)];
    const doc = JSON.parse(otlpJson([
      { traceId, spanId: odd, name: 'odd', startMs: now, durationMs: 5, events: [{ name: 'no-time', timeMs: 0 }, { name: 'far', timeMs: Date.UTC(2300, 0, 1) }] },
      { traceId, spanId: huge, name: 'huge', startMs: now, durationMs: 5, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 5e12 } },
      { traceId, spanId: fine, name: 'fine', startMs: now, durationMs: 5, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 7 } },
    ])) as { resourceSpans: { scopeSpans: { spans: { kind: number }[] }[] }[] };
    doc.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.kind = 300;
    const res = await postJson(t.url, JSON.stringify(doc));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess: { rejectedSpans: string | number; errorMessage: string } };
    expect(Number(body.partialSuccess.rejectedSpans)).toBe(1);
    expect(body.partialSuccess.errorMessage).toMatch(/huge.*input token count 5000000000000 is above 1000000000/);

    expect(await waitForSpans(sql`trace_id = ${traceId}`, 2)).toBe(2);
    const rows = await t.store.query<{ name: string; kind: number; ev: number; first: number }>(sql`
      SELECT name, kind, length(events) AS ev, if(ev = 0, 0, toUnixTimestamp64Milli(events[1].time) = toUnixTimestamp64Milli(start_time)) AS first
      FROM spans FINAL WHERE trace_id = ${traceId} ORDER BY name`);
    expect(rows).toEqual([
      { name: 'fine', kind: 1, ev: 0, first: 0 },
      { name: 'odd', kind: 0, ev: 2, first: 1 },
    ]);
    expect(t.collector.metrics.render()).toMatch(/plumb_collector_spans_rejected_total\{reason="invalid_usage"\} 1/);
  });
});

describe('found by the fuzz suite', () => {
  it('stores a span whose end and event times are near the epoch (end 0, events at 1 ns and 9.5 s) exactly, instead of the store refusing or misreading them', async () => {
    // "0.000000000" / "9.500000000" as DateTime64 text were refused (CANNOT_PARSE_DATETIME, the
    // acknowledged span dropped) or read as a date ("day 9 of this month").
    const traceId = hexId(16);
    const doc = JSON.parse(otlpJson([
      { traceId, spanId: hexId(8), name: 'epoch', startMs: now, durationMs: 1, events: [{ name: 'a', timeMs: 0 }, { name: 'b', timeMs: 9_500 }] },
    ])) as { resourceSpans: { scopeSpans: { spans: { endTimeUnixNano: string; events: { timeUnixNano: string }[] }[] }[] }[] };
    const span = doc.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    span.endTimeUnixNano = '0';
    span.events[0]!.timeUnixNano = '1';
    expect((await postJson(t.url, JSON.stringify(doc))).status).toBe(200);
    expect(await waitForSpans(sql`trace_id = ${traceId}`, 1)).toBe(1);
    const [row] = await t.store.query<{ end: string; a: string; b: string }>(sql`
      SELECT toString(end_time) AS end, toString(events[1].time) AS a, toString(events[2].time) AS b
      FROM spans FINAL WHERE trace_id = ${traceId}`);
    expect(row).toEqual({ end: '1970-01-01 00:00:00.000000000', a: '1970-01-01 00:00:00.000000001', b: '1970-01-01 00:00:09.500000000' });
    expect(t.collector.metrics.render()).not.toMatch(/store_rejected/);
  });
});
