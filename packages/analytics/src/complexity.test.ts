import { describe, expect, it } from 'vitest';
import { agentGraph } from './agent-graph.ts';
import { agentRollup } from './agent-rollup.ts';
import { criticalPath } from './critical-path.ts';
import { failureAnalysis } from './failure.ts';
import { layoutGraph } from './graph-layout.ts';
import { countOps } from './ops.ts';
import { traceSummary } from './summary.ts';
import { chainTrace, handoffFanOut, randomTrace, ROLES, wideTrace } from './trace-shapes.ts';
import { buildSpanTree, preorder } from './tree.ts';
import type { TraceSpan } from './types.ts';

// Trace analyses run on the request path (trace view, REST): they must be linear in spans (n log n
// for the sorts), whatever the shape of the trace. Measured as operation counts (see ops.ts): the
// work for 2n spans may be at most ~2.2 × the work for n spans (2 × for linear, plus the extra
// log factor of sorting at this size); a quadratic analysis gives ~4 ×.

const ANALYSES: Record<string, (spans: readonly TraceSpan[]) => unknown> = {
  tree: (spans) => preorder(buildSpanTree(spans)),
  criticalPath,
  failureAnalysis,
  agentGraph,
  agentRollup,
  traceSummary,
};

const SHAPES: Record<string, (n: number) => TraceSpan[]> = {
  handoffFanOut,
};
for (const [role, fn] of Object.entries(ROLES)) {
  SHAPES[`chain/${role}`] = (n) => chainTrace(n, fn);
  SHAPES[`wide/${role}`] = (n) => wideTrace(n, fn);
  SHAPES[`random/${role}`] = (n) => randomTrace(n, fn);
}

const N = 5_000;

describe.each(Object.entries(ANALYSES))('%s is linear in spans', (_name, analyse) => {
  it.each(Object.keys(SHAPES))('%s: work for 2n spans ≤ 2.2 × work for n', (shape) => {
    const make = SHAPES[shape]!;
    const small = countOps(() => analyse(make(N))).ops;
    const large = countOps(() => analyse(make(2 * N))).ops;
    expect(small).toBeGreaterThanOrEqual(N); // every span is at least looked at once
    expect(large / small).toBeLessThanOrEqual(2.2);
  });
});

describe('a 50,000-deep chain', () => {
  const spans = chainTrace(50_000, ROLES.mixed!);
  it.each(Object.keys(ANALYSES))('%s finishes without overflowing the stack', (name) => {
    expect(() => ANALYSES[name]!(spans)).not.toThrow();
  });
  it('its agent graph lays out', () => {
    const agents = chainTrace(50_000, ROLES.agents!);
    const layout = layoutGraph(agentGraph(agents));
    expect(layout.layers.length).toBe(50_000);
  });
});
