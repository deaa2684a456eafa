import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseRule, RuleError } from './rule.ts';

const ok = { name: 'p95 high', query: { measure: 'p95_latency_ms', groupBy: ['model'] }, condition: { op: '>', critical: 3000 } };
function fieldOf(input: unknown): string {
  try {
    parseRule(input);
  } catch (e) {
    if (e instanceof RuleError) return e.field;
    throw e;
  }
  return '(valid)';
}

describe('rule schema', () => {
  it('fills defaults and parses durations', () => {
    const r = parseRule({ ...ok, forMs: '5m', keepFiringForMs: 90_000 });
    expect(r).toMatchObject({ type: 'threshold', windowMs: 300_000, forMs: 300_000, keepFiringForMs: 90_000, intervalMs: 60_000, noData: 'nodata', onError: 'error', minSamples: 0, labels: {}, enabled: true });
    expect(r.query).toEqual({ measure: 'p95_latency_ms', filters: {}, groupBy: ['model'] });
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(formatDuration(5_400_000)).toBe('90m');
  });

  it('a bad rule names the field', () => {
    expect(fieldOf({ ...ok, name: '' })).toBe('name');
    expect(fieldOf({ ...ok, query: { measure: 'x', groupBy: 'model' } })).toBe('query.groupBy');
    expect(fieldOf({ ...ok, condition: { op: '=>', critical: 1 } })).toBe('condition.op');
    expect(fieldOf({ ...ok, condition: { op: '>' } })).toBe('condition.critical');
    expect(fieldOf({ ...ok, condition: { op: '>', warning: 5, critical: 3 } })).toBe('condition.warning');
    expect(fieldOf({ ...ok, condition: undefined })).toBe('condition');
    expect(fieldOf({ ...ok, forMs: '5 minutes' })).toBe('forMs');
    expect(fieldOf({ ...ok, intervalMs: 1000 })).toBe('intervalMs');
    expect(fieldOf({ ...ok, labels: { severity: 'x' } })).toBe('labels.severity');
    expect(fieldOf({ ...ok, annotations: { summary: '{{ $nope }}' } })).toBe('annotations.summary');
    expect(fieldOf({ ...ok, bogus: 1 })).toBe('bogus');
    expect(fieldOf({ ...ok, type: 'slo' })).toBe('slo');
    expect(fieldOf({ ...ok, type: 'slo', slo: { total: 'requests', target: 1.5, bad: 'errors' } })).toBe('slo.target');
    expect(fieldOf({ ...ok, type: 'slo', slo: { total: 'requests', target: 0.99 } })).toBe('slo.bad');
    expect(fieldOf({ ...ok, type: 'slo', slo: { total: 'requests', bad: 'errors', target: 0.99, windows: [{ longMs: '5m', shortMs: '1h', factor: 2 }] } })).toBe('slo.windows[0].shortMs');
    expect(fieldOf({ ...ok, type: 'anomaly', anomaly: { weeks: 2 } })).toBe('anomaly.weeks');
  });

  it('an SLO rule gets the SRE workbook windows; an anomaly rule its defaults', () => {
    const s = parseRule({ name: 's', type: 'slo', query: { measure: 'requests' }, slo: { total: 'requests', bad: 'errors', target: 0.995 } });
    expect(s.slo!.windows.map((w) => [w.longMs, w.shortMs, w.factor])).toEqual([[3_600_000, 300_000, 14.4], [21_600_000, 1_800_000, 6]]);
    expect(s.slo!.periodMs).toBe(30 * 86_400_000);
    const a = parseRule({ name: 'a', type: 'anomaly', query: { measure: 'cost_usd' } });
    expect(a.anomaly).toEqual({ weeks: 4, k: 3, direction: 'both' });
  });
});
