import { describe, expect, it } from 'vitest';
import { agentGraph } from './agent-graph.ts';
import { agentRollup } from './agent-rollup.ts';
import { criticalPath } from './critical-path.ts';
import { failureAnalysis } from './failure.ts';
import { countOps } from './ops.ts';
import { traceSummary } from './summary.ts';
import { researchTrace } from './test-fixtures.ts';
import { randomTrace, ROLES } from './trace-shapes.ts';
import { buildSpanTree, type SpanTree } from './tree.ts';
import type { TraceSpan } from './types.ts';

// The trace view runs all five analyses on one trace: they may share one span tree.
const ALL: Record<string, (spans: readonly TraceSpan[], tree?: SpanTree) => unknown> = { traceSummary, criticalPath, failureAnalysis, agentGraph, agentRollup };

describe('analyses given a shared span tree', () => {
  const traces = { research: researchTrace({ 'r-search2': { status: 'error' }, res: { status: 'error' } }), random: randomTrace(2000, ROLES.mixed!) };
  it.each(Object.keys(ALL))('%s answers the same as with its own tree', (name) => {
    for (const spans of Object.values(traces)) expect(ALL[name]!(spans, buildSpanTree(spans))).toEqual(ALL[name]!(spans));
  });

  it('do less work than five trees', () => {
    const spans = traces.random;
    const own = countOps(() => Object.values(ALL).map((f) => f(spans))).ops;
    const shared = countOps(() => {
      const tree = buildSpanTree(spans);
      return Object.values(ALL).map((f) => f(spans, tree));
    }).ops;
    expect(shared).toBeLessThan(own);
  });
});
