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
