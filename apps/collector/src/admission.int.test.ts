import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@plumb/store';
import { hexId, otlpJson, postJson, startTestCollector, type TestCollector } from './testing.ts';

/*
 * Defect 7: admission before work. An overloaded or unhealthy collector refuses a request
 * before it decodes, normalizes or prices anything (so a malformed body gets the 429/503, not
 * a 400 that proves it was decoded), and the decompressed bytes of concurrent requests are
 * bounded as a whole.
 */

let t: TestCollector;
const now = Date.now() - 60_000;
const spans = () => {
  const traceId = hexId(16);
  return otlpJson([{ traceId, spanId: hexId(8), name: 'admission', startMs: now, durationMs: 5 }]);
};
const received = () => Number(/plumb_collector_spans_received_total (\d+)/.exec(t.collector.metrics.render())?.[1] ?? 0);

beforeAll(async () => {
  t = await startTestCollector();
});
afterAll(async () => t?.stop());

async function until(cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('admission runs before decoding', () => {
  it('answers 429 + Retry-After to any body, even a malformed one, while the backlog is over its limit', async () => {
    const tiny = await startTestCollector({ maxInflightBytes: 4096, batchMaxDelayMs: 60_000, batchMaxRows: 1_000_000 }, { store: t.store, dir: `${t.dir}/tiny` });
    try {
      let status = 200;
      let size = 0;
      for (let i = 0; i < 50 && status === 200; i++) {
        const body = spans();
        size = body.length;
        status = (await postJson(tiny.url, body)).status;
      }
      expect(status).toBe(429);
      const before = Number(/plumb_collector_spans_received_total (\d+)/.exec(tiny.collector.metrics.render())?.[1]);
      // As large as the valid body just refused, but not JSON: a 400 here would mean it was decoded.
      const bad = await postJson(tiny.url, '{"resourceSpans": ['.padEnd(size, ' '));
      expect(bad.status).toBe(429);
      expect(bad.headers.get('retry-after')).toBe('1');
      expect(((await bad.json()) as { message: string }).message).toMatch(/queue is full/);
      const badProto = await fetch(`${tiny.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.alloc(size, 0xff) });
      expect(badProto.status).toBe(429);
      // A refused valid batch was not converted either.
      expect((await postJson(tiny.url, spans())).status).toBe(429);
      expect(Number(/plumb_collector_spans_received_total (\d+)/.exec(tiny.collector.metrics.render())?.[1])).toBe(before);
      await tiny.collector.flush();
      expect((await postJson(tiny.url, spans())).status).toBe(200);
    } finally {
      await tiny.stop();
    }
  });

  it('keeps accepting into the WAL while inserts are failing (the bound: outage.faults.test.ts), and recovers', async () => {
    await t.store.command(sql`RENAME TABLE spans TO spans_away`);
    try {
      expect((await postJson(t.url, spans())).status).toBe(200); // durable in the WAL; its insert fails
      await until(() => t.collector.writer.unhealthy);
      const before = received();
      expect((await postJson(t.url, spans())).status).toBe(200);
      expect(received()).toBeGreaterThan(before);
    } finally {
      await t.store.command(sql`RENAME TABLE spans_away TO spans`);
    }
    await until(() => !t.collector.writer.unhealthy);
    expect((await postJson(t.url, spans())).status).toBe(200);
  });
});

/** Starts a POST whose body is sent in parts; resolves the response when it comes. */
function slowPost(url: string, contentType: string) {
  const u = new URL(`${url}/v1/traces`);
  const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': contentType } });
  const response = new Promise<{ status: number; retryAfter: string | undefined; body: string }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body }));
    });
    req.on('error', reject);
  });
  return { req, response };
}

describe('in-flight request bytes are bounded across concurrent requests', () => {
  it('answers 429 + Retry-After past the budget while other bodies are being read, then accepts again', async () => {
    const KB = 1024;
    const small = await startTestCollector({ maxDecompressedBytes: 64 * KB, maxBodyBytesInFlight: 128 * KB }, { store: t.store, dir: `${t.dir}/budget` });
    try {
      // Two valid bodies padded with JSON whitespace to ~60 KiB, each held open after 58 KiB.
      const pad = (s: string) => s + ' '.repeat(60 * KB - s.length);
      const a = pad(spans());
      const b = pad(spans());
      const ra = slowPost(small.url, 'application/json');
      const rb = slowPost(small.url, 'application/json');
      ra.req.write(a.slice(0, 58 * KB));
      rb.req.write(b.slice(0, 58 * KB));
      await new Promise((r) => setTimeout(r, 300)); // both bodies now partly read by the server
      const rc = slowPost(small.url, 'application/json');
      rc.req.write(' '.repeat(30 * KB));
      const c = await rc.response;
      rc.req.destroy();
      expect(c.status).toBe(429);
      expect(c.retryAfter).toBe('1');
      expect(c.body).toMatch(/in flight/);
      ra.req.end(a.slice(58 * KB));
      rb.req.end(b.slice(58 * KB));
      expect((await ra.response).status).toBe(200);
      expect((await rb.response).status).toBe(200);
      // The budget was released: a body as large as the two together is admitted one at a time.
      expect((await postJson(small.url, pad(spans()))).status).toBe(200);
      expect((await postJson(small.url, pad(spans()))).status).toBe(200);
    } finally {
      await small.stop();
    }
  });
});

describe('admission never turns a permanent refusal into a retry loop', () => {
  it('answers 413 (not 429) to an oversized body while the backlog is over its limit, and admits any body when the backlog is empty', async () => {
    const tiny = await startTestCollector({ maxInflightBytes: 4096, maxBodyBytes: 8192, batchMaxDelayMs: 60_000, batchMaxRows: 1_000_000 }, { store: t.store, dir: `${t.dir}/tiny413` });
    try {
      // Empty backlog: a body larger than half the backlog limit is still taken.
      const big = otlpJson([{ traceId: hexId(16), spanId: hexId(8), name: 'x'.repeat(3000), startMs: now, durationMs: 5 }]);
      expect(big.length * 2).toBeGreaterThan(4096);
      expect((await postJson(tiny.url, big)).status).toBe(200);
      let status = 200;
      for (let i = 0; i < 50 && status === 200; i++) status = (await postJson(tiny.url, spans())).status;
      expect(status).toBe(429);
      const oversized = await postJson(tiny.url, ' '.repeat(10_000));
      expect(oversized.status).toBe(413);
    } finally {
      await tiny.stop();
    }
  });
});
