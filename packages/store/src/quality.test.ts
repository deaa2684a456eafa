import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classificationCells, qualityByVersion } from './quality.ts';
import { baseSpan, insertSpanRows } from './queries/fixtures.ts';
import { writeLabels, writeScores } from './scores.ts';
import type { SpanRow } from './spans.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';

let store: Store;
const P = 'default';
const T0 = Date.now() - 3_600_000;
const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');

/**
 * Trace i (0..9): root + model call(s) + one tool call. Traces 0–4 served by m-a, 5–9 by m-b.
 * m-b: every call stops on `length`, trace 5 retries a rate-limited call, trace 6's tool fails
 * and its root fails. Trace 0's model call predicts `billing`.
 */
function traces(): SpanRow[] {
  const rows: SpanRow[] = [];
  for (let i = 0; i < 10; i++) {
    const trace = hex(i + 1, 32);
    const t = BigInt(T0 + i * 1000) * 1_000_000n;
    const b = i >= 5;
    const span = (k: number, over: Partial<SpanRow>) => baseSpan({ traceId: trace, spanId: hex(i * 16 + k, 16), startTimeUnixNano: t + BigInt(k) * 1_000_000n, endTimeUnixNano: t + 900_000_000n, requestType: 'chat', ...over });
    rows.push(span(1, { statusCode: i === 6 ? 'error' : 'ok' }));
    const model = b ? 'm-b' : 'm-a';
    if (i === 5) rows.push(span(2, { parentSpanId: hex(i * 16 + 1, 16), isRoot: false, category: 'llm', requestModel: model, responseModel: '', statusCode: 'error', errorType: 'rate_limit' }));
    rows.push(span(3, {
      parentSpanId: hex(i * 16 + 1, 16), isRoot: false, category: 'llm', requestModel: model, responseModel: model, outputTokens: b ? 200 : 100 + i,
      finishReason: b ? 'length' : 'stop', attributes: i === 0 ? { 'prediction.label': 'billing' } : {},
    }));
    rows.push(span(4, { parentSpanId: hex(i * 16 + 1, 16), isRoot: false, category: 'tool', toolName: 'search', statusCode: i === 6 ? 'error' : 'ok' }));
  }
  return rows;
}

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-quality-'))));
  await store.migrate();
  await insertSpanRows(store, traces());
  await writeScores(store, P, [
    { id: 'f0', traceId: hex(1, 32), name: 'feedback', value: true, source: 'human' },
    { id: 'f5', traceId: hex(6, 32), name: 'feedback', value: false, source: 'human' },
    { id: 'r5', traceId: hex(6, 32), name: 'relevance', value: 0.25, source: 'llm-judge' },
    { id: 'r6', traceId: hex(7, 32), name: 'relevance', value: 0.75, source: 'llm-judge' },
  ]);
  await writeLabels(store, P, [{ id: 'l0', traceId: hex(1, 32), name: 'intent', value: 'refund' }]);
});
afterAll(async () => store?.close());

describe('quality per model version', () => {
  it('attributes each request to its served model and counts errors, finish reasons, tools, retries, scores and feedback', async () => {
    const rows = await qualityByVersion(store, P, { from: new Date(T0 - 1000), to: new Date(T0 + 60_000), version: 'model' });
    const a = rows.find((r) => r.version === 'm-a')!;
    const b = rows.find((r) => r.version === 'm-b')!;
    expect(a).toMatchObject({ requestType: 'chat', requests: 5, failedRequests: 0, llmCalls: 5, llmErrors: 0, retries: 0, toolCalls: 5, toolErrors: 0, feedbackRequests: 1 });
    expect(a.finish).toEqual({ stop: 5, length: 0, content_filter: 0, tool_calls: 0, other: 0 });
    expect(a.outputTokens.mean).toBe(102); // 100..104
    // m-b: 6 calls (trace 5 retried once), the retry counted; trace 6's tool and root failed.
    expect(b).toMatchObject({ requests: 5, failedRequests: 1, llmCalls: 6, llmErrors: 1, retries: 1, toolCalls: 5, toolErrors: 1, feedbackRequests: 1 });
    expect(b.finish.length).toBe(5);
    expect(b.scores.find((s) => s.name === 'relevance')).toMatchObject({ n: 2, mean: 0.5 });
  });

  it('classification cells: the true label against the predicted-label attribute', async () => {
    const cells = await classificationCells(store, P, { from: new Date(T0 - 1000), to: new Date(T0 + 60_000), labelName: 'intent', predictedAttribute: 'prediction.label', version: 'model', intervalSec: 3600 });
    expect(cells.map((c) => [c.version, c.predicted, c.actual, c.count])).toEqual([['m-a', 'billing', 'refund', 1]]);
  });
});
