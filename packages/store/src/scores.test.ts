import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSpan, insertSpanRows } from './queries/fixtures.ts';
import { listTraceScores, writeLabels, writeScores } from './scores.ts';
import { sql } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
const P = 'default';
const t0 = BigInt(Date.now() - 3_600_000) * 1_000_000n;
const TRACE = 'ab'.repeat(16);
const ROOT = '1'.repeat(16);
const LLM = '2'.repeat(16);

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-scores-'))));
  await store.migrate();
  await insertSpanRows(store, [
    baseSpan({ traceId: TRACE, spanId: ROOT, startTimeUnixNano: t0, endTimeUnixNano: t0 + 5_000_000_000n, requestType: 'chat', tenant: 'acme', serviceVersion: '2.0.0' }),
    baseSpan({
      traceId: TRACE, spanId: LLM, parentSpanId: ROOT, startTimeUnixNano: t0 + 1_000_000n, endTimeUnixNano: t0 + 4_000_000_000n,
      responseModel: 'gpt-4o-2024-08-06', outputTokens: 300, category: 'llm', requestType: 'chat', tenant: 'acme',
      events: [
        { timeUnixNano: t0 + 4_000_000_000n, name: 'gen_ai.evaluation.result', attributes: { 'gen_ai.evaluation.name': 'Relevance', 'gen_ai.evaluation.score.value': '0.75', 'gen_ai.evaluation.score.label': 'relevant', 'gen_ai.evaluation.explanation': 'on topic' } },
        { timeUnixNano: t0 + 4_000_000_000n, name: 'exception', attributes: { 'exception.type': 'X' } },
        { timeUnixNano: t0 + 4_000_000_000n, name: 'gen_ai.evaluation.result', attributes: { 'gen_ai.evaluation.name': 'Hallucination', 'gen_ai.evaluation.score.label': 'factual' } },
      ],
      attributes: { 'evaluations.0.evaluation.name': 'QA', 'evaluations.0.evaluation.score': '1', 'evaluations.0.evaluation.label': 'correct', 'evaluations.1.evaluation.name': 'Toxicity', 'evaluations.1.evaluation.label': 'non-toxic', 'evaluations.1.evaluation.source': 'code' },
    }),
  ]);
});
afterAll(async () => store?.close());

const countScores = async (id: string) =>
  Number((await store.query<{ n: string }>(sql`SELECT count() AS n FROM scores FINAL WHERE project_id = ${P} AND id = ${id}`))[0]!.n);

describe('scores', () => {
  it('are extracted from gen_ai.evaluation.result events and OpenInference evaluations.* attributes, once per span even when re-inserted', async () => {
    const scores = await listTraceScores(store, P, TRACE);
    expect(scores.map((s) => [s.id, s.name, s.dataType, s.value, s.stringValue, s.source])).toEqual(
      expect.arrayContaining([
        [`otel:${LLM}:1`, 'Relevance', 'numeric', 0.75, 'relevant', 'llm-judge'],
        [`otel:${LLM}:3`, 'Hallucination', 'categorical', null, 'factual', 'llm-judge'],
        [`oi:${LLM}:0`, 'QA', 'numeric', 1, 'correct', 'llm-judge'],
        [`oi:${LLM}:1`, 'Toxicity', 'categorical', null, 'non-toxic', 'code'],
      ]),
    );
    expect(scores).toHaveLength(4);
    const [row] = await store.query<{ model: string; request_type: string }>(sql`SELECT model, request_type FROM scores FINAL WHERE id = ${`otel:${LLM}:1`}`);
    expect(row).toEqual({ model: 'gpt-4o-2024-08-06', request_type: 'chat' });
    // A re-delivered span (WAL replay, a rewrite) extracts the same ids: still one each.
    const [again] = await store.query<Record<string, unknown>>(sql`SELECT * FROM spans FINAL WHERE span_id = ${LLM}`);
    expect(again).toBeDefined();
    await store.command(sql`INSERT INTO spans SELECT * FROM spans FINAL WHERE span_id = ${LLM}`);
    expect(await countScores(`otel:${LLM}:1`)).toBe(1);
    expect(await listTraceScores(store, P, TRACE)).toHaveLength(4);
  });

  it('written through the API: unknown traces and spans reported, the same id counted once, subject context copied', async () => {
    const r = await writeScores(store, P, [
      { id: 's-1', traceId: TRACE, name: 'feedback', value: true, source: 'human', comment: 'thumbs up' },
      { id: 's-2', traceId: TRACE, spanId: LLM, name: 'accuracy', value: 0.5, source: 'code' },
      { id: 's-3', traceId: 'cd'.repeat(16), name: 'feedback', value: false, source: 'human' },
      { id: 's-4', traceId: TRACE, spanId: 'f'.repeat(16), name: 'tone', value: 'friendly', source: 'llm-judge' },
      { id: 's-2', traceId: TRACE, spanId: LLM, name: 'accuracy', value: 0.9, source: 'code' },
    ]);
    expect(r.accepted).toBe(2);
    expect(r.duplicates).toBe(1);
    expect(r.rejected).toEqual([
      expect.objectContaining({ index: 2, id: 's-3', reason: 'unknown_trace' }),
      expect.objectContaining({ index: 3, id: 's-4', reason: 'unknown_span' }),
    ]);
    // Sent again (a retried batch): still one row per id.
    await writeScores(store, P, [{ id: 's-1', traceId: TRACE, name: 'feedback', value: true, source: 'human', comment: 'thumbs up' }]);
    expect(await countScores('s-1')).toBe(1);
    const rows = await store.query<Record<string, unknown>>(
      sql`SELECT id, data_type, value, string_value, model, service_version, tenant FROM scores FINAL WHERE id IN ('s-1', 's-2') ORDER BY id`,
    );
    expect(rows).toEqual([
      // trace-level: the head span's context, the served model of the largest model call
      { id: 's-1', data_type: 'boolean', value: 1, string_value: 'true', model: 'gpt-4o-2024-08-06', service_version: '2.0.0', tenant: 'acme' },
      // the later of the two s-2 items in the batch
      { id: 's-2', data_type: 'numeric', value: 0.9, string_value: '', model: 'gpt-4o-2024-08-06', service_version: '1.0.0', tenant: 'acme' },
    ]);
  });

  it('labels: the same prediction labelled again is replaced, unknown traces reported', async () => {
    const first = await writeLabels(store, P, [{ id: 'l-1', traceId: TRACE, spanId: LLM, name: 'intent', value: 'billing' }]);
    expect(first).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    await writeLabels(store, P, [{ id: 'l-1', traceId: TRACE, spanId: LLM, name: 'intent', value: 'refund' }]);
    const rows = await store.query<{ value: string }>(sql`SELECT value FROM labels FINAL WHERE project_id = ${P} AND id = 'l-1'`);
    expect(rows).toEqual([{ value: 'refund' }]);
    const bad = await writeLabels(store, P, [{ id: 'l-2', traceId: 'ee'.repeat(16), name: 'intent', value: 'x' }]);
    expect(bad.rejected[0]).toMatchObject({ reason: 'unknown_trace', traceId: 'ee'.repeat(16) });
  });
});
