import { baseSpan, insertSpanRows, writeLabels, writeScores } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../router.ts';
import { openTestWorld, type TestWorld } from '../testing.ts';

let w: TestWorld;
const T0 = Date.now() - 3_600_000;
const caller = () => createCaller({ store: w.store, user: w.user, projectId: 'default' });
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

beforeAll(async () => {
  w = await openTestWorld('plumb-quality-router-');
  // 10 intent predictions by model m-cls: truth a for 0–4, b for 5–9; predicted a for 0–5, b for 6–9.
  const rows = [];
  for (let i = 0; i < 10; i++) {
    const t = BigInt(T0 + i * 1000) * 1_000_000n;
    rows.push(baseSpan({ traceId: hex(0xc1500 + i, 32), spanId: hex(0xc1500 + i, 16), startTimeUnixNano: t, endTimeUnixNano: t + 1_000_000n,
      category: 'llm', responseModel: 'm-cls', outputTokens: 5, attributes: { 'prediction.label': i <= 5 ? 'a' : 'b' } }));
  }
  await insertSpanRows(w.store, rows);
  await writeLabels(w.store, 'default', rows.map((r, i) => ({ id: `l${i}`, traceId: r.traceId, spanId: r.spanId, name: 'intent', value: i < 5 ? 'a' : 'b' })));
  await writeScores(w.store, 'default', rows.map((r, i) => ({ id: `s${i}`, traceId: r.traceId, spanId: r.spanId, name: 'relevance', value: i / 9, source: 'llm-judge' as const })));
});
afterAll(async () => w?.store.close());

describe('quality router', () => {
  it('classification: accuracy and macro precision / recall / F1 per model from delayed labels', async () => {
    const r = await caller().quality.classification({ from: T0 - 1000, to: T0 + 60_000, labelName: 'intent', interval: 3_600_000 * 24 });
    const p = r.points.find((x) => x.version === 'm-cls')!;
    // a: TP 5, predicted 6, actual 5; b: TP 4, predicted 4, actual 5 → accuracy 9/10
    expect(p.n).toBe(10);
    expect(p.accuracy).toBeCloseTo(0.9, 12);
    expect(p.precision).toBeCloseTo((5 / 6 + 1) / 2, 12);
    expect(p.recall).toBeCloseTo((1 + 0.8) / 2, 12);
  });

  it('get: per version rows and a comparison of two versions', async () => {
    const r = await caller().quality.get({ from: T0 - 1000, to: T0 + 60_000, version: 'model', a: 'm-cls', b: 'm-cls' });
    expect(r.rows.find((x) => x.version === 'm-cls')).toMatchObject({ requests: 10, llmCalls: 10 });
    expect(r.comparison?.metrics.find((m) => m.name === 'Output tokens per call')).toMatchObject({ a: 5, b: 5 });
  });

  it('scoreDistribution and the score measures through metrics.query agree per served model', async () => {
    const d = await caller().quality.scoreDistribution({ from: T0 - 1000, to: T0 + 60_000 });
    expect(d.rows).toEqual([{ name: 'relevance', version: 'm-cls', lo: 0, hi: 1, bins: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], labels: [] }]);
    const m = await caller().metrics.query({ measures: ['score_avg', 'score_count'], groupBy: ['score_name', 'response_model'], from: T0 - 1000, to: T0 + 60_000 });
    expect(m.rows).toEqual([{ score_name: 'relevance', response_model: 'm-cls', score_avg: 0.5, score_count: 10 }]);
    const agree = await caller().metrics.query({ measures: ['label_agreement'], groupBy: ['response_model'], from: T0 - 1000, to: T0 + 60_000 });
    expect(agree.rows).toEqual([{ response_model: 'm-cls', label_agreement: 0.9 }]);
  });
});
