import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriftMonitor, deleteDriftMonitor, evaluateDriftMonitor } from '../drift.ts';
import { baseSpan, insertSpanRows } from '../queries/fixtures.ts';
import { scoreDistributions } from '../score-distribution.ts';
import { writeLabels, writeScores } from '../scores.ts';
import type { SpanRow } from '../spans.ts';
import { Store } from '../store.ts';
import { testStoreConfig } from '../testing.ts';
import { metricsCatalog, queryMetrics, QueryError, type MetricsQuery } from './index.ts';
import { buildRollupHour, DEFAULT_ROLLUP_OPTIONS, hoursToRoll } from './rollup-build.ts';

const HOUR = 3_600_000;
const H0 = Math.floor(Date.now() / HOUR) * HOUR - 4 * HOUR; // two closed hours: H0, H0 + 1 h
const P = 'default';
let store: Store;

/**
 * Traces of one root + one model call each. v1: 20 calls (stop 14, length 4, tool_calls 2);
 * v2: 10 calls (stop 5, content_filter 3, refusal 1, length 1). Tenants alternate a / b.
 */
const FINISH: Record<string, string[]> = {
  v1: [...Array<string>(14).fill('stop'), ...Array<string>(4).fill('length'), 'tool_calls', 'tool_calls'],
  v2: [...Array<string>(5).fill('stop'), 'content_filter', 'content_filter', 'content_filter', 'refusal', 'length'],
};
const traces: Array<{ traceId: string; callId: string; model: string; tenant: string; predicted: string; finish: string }> = [];
function spans(): SpanRow[] {
  const rows: SpanRow[] = [];
  let n = 0;
  for (const [model, reasons] of Object.entries(FINISH)) {
    reasons.forEach((finish, i) => {
      n++;
      const traceId = `9a${n.toString(16).padStart(30, '0')}`;
      const root = `a${n.toString(16).padStart(15, '0')}`;
      const call = `b${n.toString(16).padStart(15, '0')}`;
      const ms = H0 + (n % 2) * HOUR + n * 60_000;
      const t = BigInt(ms) * 1_000_000n;
      const tenant = n % 2 ? 'a' : 'b';
      const predicted = i % 3 === 0 ? 'refund' : 'billing';
      traces.push({ traceId, callId: call, model, tenant, predicted, finish });
      const ctx = { traceId, tenant, requestType: 'chat', startTimeUnixNano: t, endTimeUnixNano: t + 2_000_000_000n };
      rows.push(baseSpan({ ...ctx, spanId: root, usageCounted: false, name: 'request' }));
      rows.push(baseSpan({
        ...ctx, spanId: call, parentSpanId: root, category: 'llm', operation: 'chat', requestModel: model.replace('v', 'm'), responseModel: model,
        finishReason: finish, usageCounted: true, outputTokens: 10, attributes: { 'prediction.label': predicted },
      }));
    });
  }
  return rows;
}

const q = (over: Partial<MetricsQuery>) => queryMetrics(store, { projectId: P, from: new Date(H0), to: new Date(H0 + 2 * HOUR), measures: ['finish_length_rate'], ...over });

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-quality-measures-'))));
  await store.migrate();
  await insertSpanRows(store, spans());
  const todo = await hoursToRoll(store, { ...DEFAULT_ROLLUP_OPTIONS, closeDelayMs: 0, visibilityMarginMs: 0 }, true);
  for (const h of todo) await buildRollupHour(store, h.projectId, h.hour, 50);
});
afterAll(async () => store?.close());

const RATES = ['finish_stop_rate', 'finish_length_rate', 'finish_content_filter_rate', 'finish_tool_calls_rate', 'refusal_rate'];

describe('finish-reason rates', () => {
  it('over the rollup (full table, not the core one) equal the raw spans, total and per model version', async () => {
    const total = await q({ measures: RATES });
    expect(total.source).toBe('rollup');
    expect(total.rows[0]).toEqual({ finish_stop_rate: 19 / 30, finish_length_rate: 5 / 30, finish_content_filter_rate: 3 / 30, finish_tool_calls_rate: 2 / 30, refusal_rate: 4 / 30 });
    const raw = await queryMetrics(store, { projectId: P, from: new Date(H0), to: new Date(H0 + 2 * HOUR), measures: RATES }, { coverage: null });
    expect(raw.source).toBe('spans');
    expect(raw.rows).toEqual(total.rows);
    const byVersion = await q({ measures: ['finish_length_rate', 'refusal_rate', 'llm_calls'], groupBy: ['response_model'], orderBy: 'llm_calls' });
    expect(byVersion.rows).toEqual([
      { response_model: 'v1', finish_length_rate: 4 / 20, refusal_rate: 0, llm_calls: 20 },
      { response_model: 'v2', finish_length_rate: 1 / 10, refusal_rate: 4 / 10, llm_calls: 10 },
    ]);
    // Filtered to a tenant (a rollup key): still exact.
    const a = await q({ measures: ['finish_stop_rate'], filters: { tenant: ['a'] } });
    expect(a.source).toBe('rollup');
    const calls = traces.filter((t) => t.tenant === 'a');
    const stops = calls.filter((t) => t.finish === 'stop').length;
    expect(a.rows[0]!.finish_stop_rate).toBe(stops / calls.length);
  });
});

describe('score, label and drift measures', () => {
  beforeAll(async () => {
    // helpfulness: numeric, v1 calls 0.8, v2 calls 0.4; correct: boolean, true for v1 only;
    // verdict: categorical pass/fail labels, plus one label that neither passes nor fails.
    const items = traces.flatMap((t, i) => [
      { id: `h${i}`, traceId: t.traceId, spanId: t.callId, name: 'helpfulness', value: t.model === 'v1' ? 0.8 : 0.4, source: 'llm-judge' as const },
      { id: `c${i}`, traceId: t.traceId, spanId: t.callId, name: 'correct', value: t.model === 'v1', source: 'code' as const },
      { id: `v${i}`, traceId: t.traceId, spanId: t.callId, name: 'verdict', value: i === 0 ? 'unsure' : i % 4 === 0 ? 'FAIL' : 'pass', source: 'human' as const },
    ]);
    expect((await writeScores(store, P, items)).accepted).toBe(90);
    // Ground truth: 'refund' for every call; predictions were 'refund' for every third call.
    const labels = traces.map((t, i) => ({ id: `l${i}`, traceId: t.traceId, spanId: t.callId, name: 'intent', value: 'refund' }));
    expect((await writeLabels(store, P, labels)).accepted).toBe(30);
  });

  it('score average, count and pass rate by score name and served model version', async () => {
    const r = await q({ measures: ['score_avg', 'score_count', 'score_pass_rate'], groupBy: ['score_name', 'response_model'], orderBy: 'score_count', limit: 100 });
    expect(r.source).toBe('scores');
    const row = (name: string, model: string) => r.rows.find((x) => x.score_name === name && x.response_model === model);
    expect(row('helpfulness', 'v1')).toMatchObject({ score_count: 20, score_pass_rate: null });
    expect(row('helpfulness', 'v1')!.score_avg).toBeCloseTo(0.8, 12);
    expect(row('helpfulness', 'v2')!.score_avg).toBeCloseTo(0.4, 12);
    expect(row('correct', 'v1')).toMatchObject({ score_avg: 1, score_pass_rate: 1 });
    expect(row('correct', 'v2')).toMatchObject({ score_avg: 0, score_pass_rate: 0 });
    // verdict over all 30: item 0 'unsure' is neither; items 4, 8, …, 28 (7) fail (case-insensitive).
    const verdict = await q({ measures: ['score_pass_rate', 'score_count'], filters: { score_name: ['verdict'] } });
    expect(verdict.rows[0]).toEqual({ score_pass_rate: 22 / 29, score_count: 30 });
    // Filtered by tenant, over time (hour buckets): the scored requests' hours.
    const series = await q({ measures: ['score_count'], filters: { score_name: ['helpfulness'], tenant: ['a'] }, intervalMs: HOUR });
    expect(series.rows.map((x) => x.score_count)).toEqual([0, 15]);
    expect(traces.filter((t) => t.tenant === 'a')).toHaveLength(15);
  });

  it('score distributions per name and version: shared histogram edges, top labels', async () => {
    const d = await scoreDistributions(store, P, { from: new Date(H0), to: new Date(H0 + 2 * HOUR), version: 'response_model' });
    const get = (name: string, version: string) => d.find((x) => x.name === name && x.version === version)!;
    // helpfulness spans [0.4, 0.8] over both versions: v2 in the first bin, v1 in the last.
    expect(get('helpfulness', 'v1')).toMatchObject({ lo: 0.4, hi: 0.8, bins: [0, 0, 0, 0, 0, 0, 0, 0, 0, 20], labels: [] });
    expect(get('helpfulness', 'v2').bins).toEqual([10, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(get('correct', 'v2').labels).toEqual([{ label: 'false', n: 10 }]);
    const verdict = get('verdict', 'v1');
    expect(verdict.lo).toBeNull();
    expect(verdict.labels.reduce((a, x) => a + x.n, 0)).toBe(20);
  });

  it('label agreement (accuracy against prediction.label) by model version', async () => {
    const r = await q({ measures: ['label_agreement', 'label_count'], groupBy: ['response_model'], orderBy: 'label_count' });
    expect(r.source).toBe('labels');
    const agree = (model: string) => traces.filter((t) => t.model === model && t.predicted === 'refund').length;
    expect(r.rows).toEqual([
      { response_model: 'v1', label_agreement: agree('v1') / 20, label_count: 20 },
      { response_model: 'v2', label_agreement: agree('v2') / 10, label_count: 10 },
    ]);
  });

  it("a drift monitor's latest score and flag by monitor; deleted monitors are not read", async () => {
    const def = {
      name: 'finish reason', feature: { kind: 'categorical', field: 'finish_reason' }, spanSet: 'llm', filters: {},
      reference: { kind: 'frozen', fromMs: H0, toMs: H0 + HOUR }, currentMs: HOUR, method: 'js', thresholds: {}, topK: 20,
    } as const;
    const m = await createDriftMonitor(store, P, def);
    const gone = await createDriftMonitor(store, P, { ...def, name: 'deleted' });
    const older = (await evaluateDriftMonitor(store, P, m, H0 + 2 * HOUR - 30 * 60_000))!.result;
    const latest = (await evaluateDriftMonitor(store, P, m, H0 + 2 * HOUR))!.result;
    await evaluateDriftMonitor(store, P, gone, H0 + 2 * HOUR);
    expect(await deleteDriftMonitor(store, P, gone.id)).toBe(true);
    const r = await q({ measures: ['drift_score', 'drift_flagged', 'drift_psi', 'drift_evaluations'], groupBy: ['drift_monitor'], to: new Date(H0 + 2 * HOUR + 1) });
    expect(r.source).toBe('drift_results');
    expect(r.rows).toEqual([{ drift_monitor: m.id, drift_score: latest.score, drift_flagged: latest.flagged ? 1 : 0, drift_psi: latest.psi, drift_evaluations: 2 }]);
    expect(older.score).not.toBe(latest.score);
  });

  it('every mix of views or a dimension outside the view is a 400 naming the field', async () => {
    const err = async (over: Partial<MetricsQuery>) => {
      const e = await q(over).then(() => null, (x: unknown) => x);
      expect(e).toBeInstanceOf(QueryError);
      return e as QueryError;
    };
    expect((await err({ measures: ['requests'], groupBy: ['score_name'] })).field).toBe('groupBy');
    expect((await err({ measures: ['score_avg', 'requests'] })).field).toBe('measures');
    expect((await err({ measures: ['score_avg', 'drift_score'] })).field).toBe('measures');
    const model = await err({ measures: ['score_avg'], filters: { model: ['gpt-4o'] } });
    expect(model.field).toBe('filter[model]');
    expect(model.message).toContain('response_model');
    expect((await err({ measures: ['drift_score'], groupBy: ['tenant'] })).field).toBe('groupBy');
    expect((await err({ measures: ['gpu_utilization', 'score_avg'] })).field).toBe('measures');
  });

  it('the public catalog lists the quality measures and dimensions (alert rule editors read it)', () => {
    const c = metricsCatalog();
    for (const name of [...RATES, 'score_avg', 'score_count', 'score_pass_rate', 'label_agreement', 'label_count', 'drift_score', 'drift_flagged']) {
      expect(c.measures.map((x) => x.name)).toContain(name);
    }
    expect(c.dimensions.filter((d) => d.kind === 'quality').map((d) => d.name)).toEqual(['score_name', 'score_source', 'label_name', 'drift_monitor']);
  });
});
