import { describe, expect, it } from 'vitest';
import { traceSummary } from './summary.ts';
import { researchTrace, T0 } from './test-fixtures.ts';

describe('traceSummary', () => {
  it('summarises the research trace', () => {
    const s = traceSummary(researchTrace({ 'r-search1': { status: 'error' }, 'r-llm2-http': { cacheReadTokens: 400, reasoningTokens: 30 }, 'r-llm2': { cacheReadTokens: 400 } }));
    expect(s).toMatchObject({
      traceId: 'trace-1',
      rootName: 'invoke_agent orchestrator',
      rootSpanId: 'orch',
      startMs: T0,
      endMs: T0 + 1000,
      durationMs: 1000,
      spanCount: 14,
      errorCount: 1,
      inputTokens: 3200,
      outputTokens: 1060,
      cacheReadTokens: 400,
      reasoningTokens: 30,
      totalTokens: 4260,
      services: ['agent-app', 'search-svc'],
      models: ['claude-sonnet', 'gpt-4o', 'gpt-4o-mini'],
    });
    expect(s.costUsd).toBeCloseTo(0.0248, 12);
  });

  it('covers orphan spans that outlast the root and ignores duplicates', () => {
    const spans = researchTrace();
    spans.push({ ...spans[1]!, spanId: 'late', parentSpanId: 'missing', startMs: T0 + 900, endMs: T0 + 1500 });
    spans.push({ ...spans[1]! });
    const s = traceSummary(spans);
    expect(s).toMatchObject({ rootSpanId: 'orch', startMs: T0, endMs: T0 + 1500, durationMs: 1500, spanCount: 15, inputTokens: 3400 });
  });

  it('handles an empty trace', () => {
    expect(traceSummary([])).toMatchObject({ rootName: '', spanCount: 0, durationMs: 0, services: [], models: [] });
  });
});
