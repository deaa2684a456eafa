import { describe, expect, it } from 'vitest';
import { adaptKpis, adaptSeries, adaptTrace, adaptTraceList, ms, num } from './api-adapt.ts';

describe('scalar coercion', () => {
  it('num reads numbers, decimal strings and bigints', () => {
    expect(num('0.000123000000')).toBeCloseTo(0.000123);
    expect(num(12n)).toBe(12);
    expect(num(null, 7)).toBe(7);
    expect(num('x', 1)).toBe(1);
  });

  it('ms keeps microseconds of ISO timestamps', () => {
    expect(ms('2025-03-04T10:00:00.123456Z')).toBeCloseTo(Date.parse('2025-03-04T10:00:00.123Z') + 0.456, 6);
    expect(ms('2025-03-04 10:00:00')).toBe(Date.parse('2025-03-04T10:00:00Z'));
    expect(ms(1700000000000)).toBe(1700000000000);
    expect(ms(new Date(5))).toBe(5);
  });
});

it('adaptKpis accepts camelCase or semantic-layer names and derives missing ones', () => {
  expect(adaptKpis({ requests: 10, errors: 2, cost_usd: '1.5', input_tokens: 100, output_tokens: 20, p95_latency_ms: null })).toMatchObject({
    errorRate: 0.2,
    costUsd: 1.5,
    totalTokens: 120,
    p95LatencyMs: null,
  });
});

it('adaptSeries sorts points and infers the step', () => {
  const s = adaptSeries([{ time: '2025-01-01T00:05:00Z', requests: 1 }, { time: '2025-01-01T00:00:00Z', requests: 2 }]);
  expect(s.points.map((p) => p.requests)).toEqual([2, 1]);
  expect(s.stepMs).toBe(300_000);
});

it('adaptTraceList maps store rows and sums tokens', () => {
  const page = adaptTraceList({ items: [{ traceId: 't', startTime: '2025-01-01T00:00:00Z', inputTokens: 5, outputTokens: 6, costUsd: 0.1 }], nextCursor: null });
  expect(page.items[0]).toMatchObject({ traceId: 't', totalTokens: 11, costUsd: 0.1, startMs: Date.parse('2025-01-01T00:00:00Z') });
  expect(page.prevCursor).toBeNull();
});

describe('adaptTrace', () => {
  const base = { traceId: 't', tenant: 'acme', requestType: 'chat', sessionId: 's1', status: 'ok', usageCounted: true, links: [] };
  const spans = [
    { ...base, spanId: 'r', parentSpanId: '', name: 'root', category: 'agent', agent: 'boss', startTime: '2025-01-01T00:00:00Z', endTime: '2025-01-01T00:00:01Z', status: 'error' },
    { ...base, spanId: 'c', parentSpanId: 'r', name: 'call', category: 'llm', model: 'm', startTime: '2025-01-01T00:00:00.1Z', endTime: '2025-01-01T00:00:00.9Z', inputTokens: 10, outputTokens: 2, costUsd: '0.5', status: 'error', errorType: 'timeout' },
  ];

  it('computes the analyses the server did not send', () => {
    const t = adaptTrace({ traceId: 't', spans })!;
    expect(t.context).toEqual({ tenant: 'acme', requestType: 'chat', sessionId: 's1', userId: '' });
    expect(t.summary).toMatchObject({ spanCount: 2, costUsd: 0.5, totalTokens: 12 });
    expect(t.failure.originSpanId).toBe('c');
    expect(t.criticalPath.totalMs).toBeCloseTo(1000);
    expect(t.graph.nodes.map((n) => n.kind).sort()).toEqual(['agent', 'llm']);
    expect(Object.keys(t.layout.positions)).toHaveLength(2);
    expect(t.rollup[0]).toMatchObject({ agent: 'boss', llmCalls: 1 });
  });

  it('returns null for a missing or empty trace', () => {
    expect(adaptTrace(null)).toBeNull();
    expect(adaptTrace({ traceId: 't', spans: [] })).toBeNull();
  });
});
