import { describe, expect, it } from 'vitest';
import { anomalyBand, observe, planQueries, ruleNeeds, shapeKey, type Catalog, type Row } from './evaluate.ts';
import { parseRule, type Rule } from './rule.ts';

const catalog: Catalog = { viewOf: (m) => (m.startsWith('gpu_') ? 'gpu' : 'spans'), samplesFor: (m) => (m.startsWith('gpu_') ? null : 'requests') };
const AT = Date.UTC(2026, 10, 26, 12, 0);
const rule = (id: string, o: Record<string, unknown>): Rule => ({ id, ...parseRule({ name: id, condition: { op: '>', critical: 1 }, ...o }) });
const WEEK = 604_800_000;

function results(r: Rule, byRole: Record<string, Row[]>): Map<string, Row[]> {
  return new Map(ruleNeeds(r, AT, catalog).map((n) => [shapeKey(n), byRole[n.role] ?? []]));
}

describe('query planning', () => {
  it('rules with the same shape share one query; measures are unioned; views never mix', () => {
    const rules = [
      rule('a', { query: { measure: 'p95_latency_ms', groupBy: ['model'] } }),
      rule('b', { query: { measure: 'error_rate', groupBy: ['model'] }, minSamples: 10 }),
      rule('c', { query: { measure: 'cost_usd', groupBy: ['model'] } }),
      rule('d', { query: { measure: 'cost_usd', groupBy: ['tenant'] } }),
      rule('e', { query: { measure: 'gpu_utilization', groupBy: ['model'] } }),
      rule('f', { query: { measure: 'p95_latency_ms', groupBy: ['model'] }, windowMs: '10m' }),
      rule('g', { query: { measure: 'p95_latency_ms', groupBy: ['model'], filters: { tenant: ['b', 'a'] } } }),
      rule('h', { query: { measure: 'p99_latency_ms', groupBy: ['model'], filters: { tenant: ['a', 'b'] } } }),
    ];
    const planned = [...planQueries(rules.flatMap((r) => ruleNeeds(r, AT, catalog))).values()];
    expect(planned).toHaveLength(5);
    expect(planned[0]!.measures).toEqual(['p95_latency_ms', 'error_rate', 'requests', 'cost_usd']);
    expect(planned.find((q) => q.view === 'gpu')!.measures).toEqual(['gpu_utilization']);
    expect(planned.find((q) => q.filters.tenant)!.measures).toEqual(['p95_latency_ms', 'p99_latency_ms']);
  });

  it('an anomaly rule reads the same window of each past week', () => {
    const n = ruleNeeds(rule('a', { type: 'anomaly', query: { measure: 'cost_usd' }, windowMs: '1h', anomaly: { weeks: 3 } }), AT, catalog);
    expect(n.map((x) => [x.role, AT - x.toMs])).toEqual([['current', 0], ['week1', WEEK], ['week2', 2 * WEEK], ['week3', 3 * WEEK]]);
  });
});

describe('observations', () => {
  it('threshold per group with warning and critical; min samples → no data', () => {
    const r = rule('t', { query: { measure: 'p95_latency_ms', groupBy: ['model'] }, condition: { op: '>', warning: 2000, critical: 3000 }, minSamples: 5 });
    const obs = observe(r, ruleNeeds(r, AT, catalog), results(r, { current: [
      { model: 'a', p95_latency_ms: 3500, requests: 10 }, { model: 'b', p95_latency_ms: 2500, requests: 10 },
      { model: 'c', p95_latency_ms: 100, requests: 10 }, { model: 'd', p95_latency_ms: 9000, requests: 2 }, { model: 'e', p95_latency_ms: null, requests: 9 },
    ] }), catalog);
    expect(obs.map((o) => [o.group.model, o.kind, o.severity, o.threshold])).toEqual([
      ['a', 'value', 'critical', 3000], ['b', 'value', 'warning', 2000], ['c', 'value', null, 3000], ['d', 'nodata', null, null], ['e', 'nodata', null, null],
    ]);
  });

  it('an ungrouped rule with no row has no data; below-thresholds compare downward', () => {
    const r = rule('u', { query: { measure: 'gpu_utilization' }, condition: { op: '<', critical: 0.1 } });
    expect(observe(r, ruleNeeds(r, AT, catalog), results(r, {}), catalog).map((o) => o.kind)).toEqual(['nodata']);
    expect(observe(r, ruleNeeds(r, AT, catalog), results(r, { current: [{ gpu_utilization: 0.05 }] }), catalog)[0]!.severity).toBe('critical');
  });

  it('SLO: fires only when both the long and the short window burn faster than the factor', () => {
    const r = rule('s', { type: 'slo', query: { measure: 'requests', groupBy: ['tenant'] }, slo: { total: 'requests', bad: 'errors', target: 0.99 } });
    // budget 1 %: 14.4× = 14.4 % errors. x: both windows of pair 0 burn; y: long burns, short recovered; z: pair 1 (6×) only.
    const obs = observe(r, ruleNeeds(r, AT, catalog), results(r, {
      long0: [{ tenant: 'x', requests: 100, errors: 20 }, { tenant: 'y', requests: 100, errors: 20 }, { tenant: 'z', requests: 100, errors: 8 }],
      short0: [{ tenant: 'x', requests: 10, errors: 3 }, { tenant: 'y', requests: 10, errors: 0 }, { tenant: 'z', requests: 10, errors: 1 }],
      long1: [{ tenant: 'x', requests: 600, errors: 70 }, { tenant: 'y', requests: 600, errors: 10 }, { tenant: 'z', requests: 600, errors: 48 }],
      short1: [{ tenant: 'x', requests: 50, errors: 10 }, { tenant: 'y', requests: 50, errors: 0 }, { tenant: 'z', requests: 50, errors: 4 }],
    }), catalog);
    const by = Object.fromEntries(obs.map((o) => [o.group.tenant, o]));
    expect(by.x!.severity).toBe('critical');
    expect(by.x!.value).toBeCloseTo(20);
    expect(by.y!.severity).toBeNull();
    expect(by.z!.severity).toBe('critical');
    expect(by.z!.threshold).toBe(6);
  });

  it('SLO from good events: bad = total − good', () => {
    const r = rule('g', { type: 'slo', query: { measure: 'requests' }, slo: { total: 'requests', good: 'fast', target: 0.9, windows: [{ longMs: '1h', shortMs: '5m', factor: 2 }] } });
    const obs = observe(r, ruleNeeds(r, AT, catalog), results(r, { long0: [{ requests: 100, fast: 70 }], short0: [{ requests: 10, fast: 7 }] }), catalog);
    expect(obs[0]!.value).toBeCloseTo(3);
    expect(obs[0]!.severity).toBe('critical');
  });

  it('anomaly: outside median ± k·MAD of the same window in past weeks; < 3 weeks of history → no data', () => {
    expect(anomalyBand([10, 12, 11, 13, 9], 3)).toEqual({ median: 11, low: 11 - 3 * 1.4826, high: 11 + 3 * 1.4826 });
    const r = rule('a', { type: 'anomaly', query: { measure: 'cost_usd', groupBy: ['tenant'] }, anomaly: { weeks: 4, k: 3, direction: 'above' } });
    const hist = (v: Record<string, number>) => Object.entries(v).map(([tenant, cost_usd]) => ({ tenant, cost_usd }));
    const obs = observe(r, ruleNeeds(r, AT, catalog), results(r, {
      current: hist({ up: 50, down: 1, fresh: 10 }),
      week1: hist({ up: 10, down: 10 }), week2: hist({ up: 11, down: 11 }), week3: hist({ up: 9, down: 9, fresh: 10 }), week4: hist({ up: 10, down: 10 }),
    }), catalog);
    expect(obs.map((o) => [o.group.tenant, o.kind, o.severity])).toEqual([['up', 'value', 'critical'], ['down', 'value', null], ['fresh', 'nodata', null]]);
  });
});
