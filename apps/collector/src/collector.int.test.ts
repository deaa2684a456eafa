import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, DEFAULT_PROJECT_ID, sql } from '@plumb/store';
import { correctionsJob } from '@plumb/worker';
import { hexId, otlpJson, postJson, startTestCollector, type JsonSpanSpec, type TestCollector } from './testing.ts';

let t: TestCollector;
const now = Date.now() - 60_000;

beforeAll(async () => {
  t = await startTestCollector({ contextHoldMs: 300 });
});
afterAll(async () => t?.stop());

async function totals(where = sql`1`) {
  await t.collector.flush();
  return t.store.query<{ tenant: string; spans: number; cost: string; input: number }>(sql`
    SELECT tenant, count() AS spans, toString(sum(cost_usd)) AS cost, sum(input_tokens) AS input
    FROM spans FINAL WHERE ${where} GROUP BY tenant ORDER BY tenant`);
}

function llmTrace(tenant: string, opts: { model?: string; input?: number; output?: number } = {}) {
  const traceId = hexId(16);
  const root = hexId(8);
  const chat = hexId(8);
  const spans: JsonSpanSpec[] = [
    { traceId, spanId: root, name: 'handle', startMs: now, durationMs: 900, attributes: { 'tenant.id': tenant, 'plumb.request_type': 'chat' } },
    {
      traceId, spanId: chat, parentSpanId: root, name: 'chat gpt-4o', startMs: now + 10, durationMs: 800,
      attributes: {
        'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': opts.model ?? 'gpt-4o',
        'gen_ai.usage.input_tokens': opts.input ?? 1000, 'gen_ai.usage.output_tokens': opts.output ?? 200,
        'llm.response.finish_reason': 'max_tokens',
      },
    },
  ];
  return { traceId, root, chat, spans };
}

describe('collector over HTTP on the embedded engine', () => {
  it('stores normalized, priced spans with the tenant propagated from the root', async () => {
    const tr = llmTrace('acme');
    const res = await postJson(t.url, otlpJson(tr.spans));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    await t.collector.flush();
    const rows = await t.store.query<Record<string, unknown>>(sql`
      SELECT span_id, tenant, request_type, operation, category, provider, request_model, input_tokens, output_tokens,
             toString(cost_usd) AS cost, pricing_status, price_id, context_resolved, service, finish_reason
      FROM spans FINAL WHERE trace_id = ${tr.traceId} ORDER BY start_time`);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      span_id: tr.chat, tenant: 'acme', request_type: 'chat', operation: 'chat', category: 'llm', provider: 'openai',
      request_model: 'gpt-4o', input_tokens: 1000, output_tokens: 200, pricing_status: 'priced', context_resolved: true, service: 'test-svc',
      finish_reason: 'length',
    });
    // gpt-4o: $2.50 / 1M input, $10 / 1M output → 0.0025 + 0.002
    expect(Number(rows[1]!.cost)).toBeCloseTo(0.0045, 12);
    expect(rows[1]!.price_id).not.toBe('');
  });

  it('counts a re-delivered batch once', async () => {
    const tr = llmTrace('dup-tenant');
    const body = otlpJson(tr.spans);
    for (let i = 0; i < 3; i++) expect((await postJson(t.url, body)).status).toBe(200);
    // Also bypass the collector's dedupe window: the table must collapse what gets past it.
    await t.collector.flush();
    await t.store.command(sql`INSERT INTO spans SELECT * FROM spans FINAL WHERE trace_id = ${tr.traceId}`);
    const [row] = await totals(sql`tenant = 'dup-tenant'`);
    expect(row).toMatchObject({ spans: 2, input: 1000 });
    expect(Number(row!.cost)).toBeCloseTo(0.0045, 12);
  });

  it('completes per-tenant totals when the root arrives last, in a separate request (held)', async () => {
    const tr = llmTrace('late-root');
    expect((await postJson(t.url, otlpJson([tr.spans[1]!]))).status).toBe(200);
    expect((await postJson(t.url, otlpJson([tr.spans[0]!]))).status).toBe(200);
    const [row] = await totals(sql`trace_id = ${tr.traceId}`);
    expect(row).toMatchObject({ tenant: 'late-root', spans: 2, input: 1000 });
  });

  it('corrects rows written before a late root (hold expired)', async () => {
    const tr = llmTrace('very-late-root');
    expect((await postJson(t.url, otlpJson([tr.spans[1]!]))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 700)); // past the 300 ms hold: written untagged
    await t.collector.flush();
    expect(await totals(sql`trace_id = ${tr.traceId}`)).toMatchObject([{ tenant: '', spans: 1 }]);
    expect((await postJson(t.url, otlpJson([tr.spans[0]!]))).status).toBe(200);
    await t.collector.flush();
    // The correction is the worker's (store-driven, see corrections.int.test.ts).
    await correctionsJob(() => {}).run(t.store, new AbortController().signal);
    const rows = await totals(sql`trace_id = ${tr.traceId}`);
    expect(rows).toMatchObject([{ tenant: 'very-late-root', spans: 2, input: 1000 }]);
  });

  it('keeps spend without a tenant as untagged', async () => {
    const tr = llmTrace('');
    expect((await postJson(t.url, otlpJson(tr.spans))).status).toBe(200);
    const rows = await totals(sql`trace_id = ${tr.traceId}`);
    expect(rows).toMatchObject([{ tenant: '', spans: 2, input: 1000 }]);
  });

  it('stores an unknown model as unpriced, not $0', async () => {
    const tr = llmTrace('acme', { model: 'totally-unknown-model-x' });
    await postJson(t.url, otlpJson(tr.spans));
    await t.collector.flush();
    const [r] = await t.store.query<{ s: string; c: string }>(sql`SELECT pricing_status AS s, toString(cost_usd) AS c FROM spans FINAL WHERE span_id = ${tr.chat}`);
    expect(r).toEqual({ s: 'unpriced', c: '0' });
  });

  it('stores events and links', async () => {
    const tr = llmTrace('events');
    const other = hexId(16);
    tr.spans[1]!.events = [{ name: 'exception', timeMs: now + 20, attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'took too long' } }];
    tr.spans[1]!.links = [{ traceId: other, spanId: 'abcdef0123456789' }];
    expect((await postJson(t.url, otlpJson(tr.spans))).status).toBe(200);
    await t.collector.flush();
    const [r] = await t.store.query<{ events: [string, string, Record<string, string>][]; links: [string, string, Record<string, string>][] }>(
      sql`SELECT events, links FROM spans FINAL WHERE span_id = ${tr.chat}`,
    );
    expect(r!.events).toHaveLength(1);
    expect(JSON.stringify(r!.events)).toContain('TimeoutError');
    expect(JSON.stringify(r!.links)).toContain(other);
  });

  it('accepts gzip bodies', async () => {
    const tr = llmTrace('gzip-tenant');
    const res = await fetch(`${t.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(otlpJson(tr.spans)),
    });
    expect(res.status).toBe(200);
    expect(await totals(sql`tenant = 'gzip-tenant'`)).toMatchObject([{ spans: 2 }]);
  });
});

describe('bad input gets a clear error and loses nothing else', () => {
  it('rejects a span with an invalid id and keeps the rest (partial_success)', async () => {
    const tr = llmTrace('partial');
    const bad: JsonSpanSpec = { ...tr.spans[1]!, spanId: 'zz', name: 'bad-span' };
    const res = await postJson(t.url, otlpJson([tr.spans[0]!, bad]));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess: { rejectedSpans: string | number; errorMessage: string } };
    expect(Number(body.partialSuccess.rejectedSpans)).toBe(1);
    expect(body.partialSuccess.errorMessage).toMatch(/spanId/);
    expect(await totals(sql`tenant = 'partial'`)).toMatchObject([{ spans: 1 }]);
    expect(t.collector.metrics.render()).toMatch(/plumb_collector_spans_rejected_total\{reason="invalid_span_id"\} 1/);
  });

  it('rejects a span whose time the store cannot hold, instead of failing the whole batch', async () => {
    const tr = llmTrace('far-future');
    const year2300 = Date.UTC(2300, 0, 1); // fits uint64 ns, not DateTime64(9)
    const bad: JsonSpanSpec = { ...tr.spans[1]!, startMs: year2300, name: 'from-the-future' };
    const res = await postJson(t.url, otlpJson([tr.spans[0]!, bad]));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess: { rejectedSpans: string | number; errorMessage: string } };
    expect(Number(body.partialSuccess.rejectedSpans)).toBe(1);
    expect(body.partialSuccess.errorMessage).toMatch(/2262/);
    expect(await totals(sql`tenant = 'far-future'`)).toMatchObject([{ spans: 1 }]);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });

  it('answers 400 naming the problem for malformed bodies', async () => {
    const notJson = await postJson(t.url, '{"resourceSpans": [');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { message: string }).message).toMatch(/json/i);
    const wrongShape = await postJson(t.url, '{"resourceSpans": 5}');
    expect(wrongShape.status).toBe(400);
    expect(((await wrongShape.json()) as { message: string }).message).toMatch(/resourceSpans/);
    const badProto = await fetch(`${t.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from([0x0a, 0xff, 0xff, 0x01]) });
    expect(badProto.status).toBe(400);
    const badGzip = await fetch(`${t.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'not gzip' });
    expect(badGzip.status).toBe(400);
  });

  it('answers 415 for a wrong content type and 405 for a wrong method', async () => {
    const res = await fetch(`${t.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { message: string }).message).toMatch(/application\/x-protobuf/);
    expect((await fetch(`${t.url}/v1/traces`)).status).toBe(405);
  });

  it('answers 413 for an oversized body and for a gzip bomb', async () => {
    const small = await startTestCollector({ maxBodyBytes: 2048, maxDecompressedBytes: 64 * 1024 }, { store: t.store, dir: `${t.dir}/small` });
    try {
      const big = await postJson(small.url, 'x'.repeat(10_000));
      expect(big.status).toBe(413);
      const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
      expect(bomb.length).toBeLessThan(2048 * 8);
      const res = await fetch(`${small.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb.subarray(0, 2000) });
      expect([400, 413]).toContain(res.status);
      const ok = await postJson(small.url, otlpJson(llmTrace('after-413').spans));
      expect(ok.status).toBe(200);
    } finally {
      await small.stop();
    }
  });

  it('answers 413 for too many spans in one request, and takes smaller ones', async () => {
    const capped = await startTestCollector({ maxSpansPerRequest: 1 }, { store: t.store, dir: `${t.dir}/capped` });
    try {
      const tr = llmTrace('capped');
      const res = await postJson(capped.url, otlpJson(tr.spans));
      expect(res.status).toBe(413);
      expect(((await res.json()) as { message: string }).message).toMatch(/2 spans; the limit is 1/);
      expect((await postJson(capped.url, otlpJson([tr.spans[0]!]))).status).toBe(200);
    } finally {
      await capped.stop();
    }
  });

  it('answers 429 with Retry-After when the queue is full, and accepts again once drained', async () => {
    const tiny = await startTestCollector({ maxInflightBytes: 4096, batchMaxDelayMs: 60_000, batchMaxRows: 1_000_000 }, { store: t.store, dir: `${t.dir}/tiny` });
    try {
      let throttled: Response | null = null;
      for (let i = 0; i < 20 && !throttled; i++) {
        const res = await postJson(tiny.url, otlpJson(llmTrace('flood').spans));
        if (res.status !== 200) throttled = res;
      }
      expect(throttled?.status).toBe(429);
      expect(throttled?.headers.get('retry-after')).toBe('1');
      await tiny.collector.flush();
      expect((await postJson(tiny.url, otlpJson(llmTrace('flood').spans))).status).toBe(200);
    } finally {
      await tiny.stop();
    }
  });

  it('requires a key once one exists, and checks its scope', async () => {
    const { key: ingest } = await createApiKey(t.store, { projectId: DEFAULT_PROJECT_ID, name: 't', scopes: ['ingest'] });
    const { key: readOnly } = await createApiKey(t.store, { projectId: DEFAULT_PROJECT_ID, name: 't', scopes: ['read'] });
    const keyed = await startTestCollector({}, { store: t.store, dir: `${t.dir}/keyed` });
    try {
      const body = otlpJson(llmTrace('auth').spans);
      expect((await postJson(keyed.url, body)).status).toBe(401);
      expect((await postJson(keyed.url, body, { authorization: 'Bearer nope-nope-nope-nope' })).status).toBe(401);
      expect((await postJson(keyed.url, body, { authorization: `Bearer ${readOnly}` })).status).toBe(403);
      expect((await postJson(keyed.url, body, { authorization: `Bearer ${ingest}` })).status).toBe(200);
    } finally {
      await keyed.stop();
    }
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/plumb_collector_spans_accepted_total \d+/);
    expect(metrics).toMatch(/plumb_collector_insert_duration_seconds_count \d+/);
    expect(metrics).toMatch(/plumb_collector_queue_rows \d+/);
  });
});
