import { describe, expect, it } from 'vitest';
import type { TraceSpan } from '@plumb/analytics';
import { ancestorsOf, buildWaterfall, timeTicks, visibleRows } from './waterfall.ts';

function span(spanId: string, parentSpanId: string, startMs: number, endMs: number): TraceSpan {
  return {
    spanId, parentSpanId, traceId: 't', name: spanId, service: 's', startMs, endMs, status: 'ok', statusMessage: '', errorType: '',
    category: 'other', operation: '', agent: '', tool: '', model: '', provider: '', inputTokens: 0, outputTokens: 0,
    cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0, usageCounted: false, links: [],
  };
}

// root ─┬─ a ── a1
//       └─ b
const SPANS = [span('b', 'root', 50, 90), span('a1', 'a', 20, 30), span('root', '', 0, 100), span('a', 'root', 10, 40)];

describe('waterfall rows', () => {
  it('lists spans in pre-order with depth and the trace bounds', () => {
    const m = buildWaterfall(SPANS);
    expect(visibleRows(m, new Set()).map((r) => `${r.span.spanId}@${r.depth}`)).toEqual(['root@0', 'a@1', 'a1@2', 'b@1']);
    expect([m.startMs, m.endMs]).toEqual([0, 100]);
  });

  it('hides the subtree of a collapsed span and counts what it hides', () => {
    const m = buildWaterfall(SPANS);
    const rows = visibleRows(m, new Set(['root']));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ collapsed: true, hiddenCount: 3, childCount: 2 });
    expect(visibleRows(m, new Set(['a'])).map((r) => r.span.spanId)).toEqual(['root', 'a', 'b']);
  });

  it('ignores a collapse flag on a leaf', () => {
    const rows = visibleRows(buildWaterfall(SPANS), new Set(['b']));
    expect(rows.find((r) => r.span.spanId === 'b')).toMatchObject({ collapsed: false, hiddenCount: 0 });
  });

  it('finds ancestors nearest first', () => {
    expect(ancestorsOf(buildWaterfall(SPANS), 'a1')).toEqual(['a', 'root']);
  });

  it('handles an empty trace', () => {
    const m = buildWaterfall([]);
    expect(visibleRows(m, new Set())).toEqual([]);
    expect([m.startMs, m.endMs]).toEqual([0, 0]);
  });
});

describe('timeTicks', () => {
  it.each([
    [1000, [0, 200, 400, 600, 800, 1000]],
    [1234, [0, 500, 1000]],
    [0.9, [0, 0.2, 0.4, 0.6, 0.8]],
    [0, [0]],
  ])('%s ms → %j', (total, ticks) => {
    expect(timeTicks(total, total === 1234 ? 3 : 6)).toEqual(ticks);
  });
});
