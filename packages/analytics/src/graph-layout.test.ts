import { describe, expect, it } from 'vitest';
import { agentGraph, type AgentGraph, type GraphEdgeKind, type GraphNode } from './agent-graph.ts';
import { DEFAULT_LAYOUT, layoutGraph } from './graph-layout.ts';
import { researchTrace } from './test-fixtures.ts';

function graph(ids: string[], edges: [string, string, GraphEdgeKind?][]): AgentGraph {
  const nodes: GraphNode[] = ids.map((id) => ({ id, kind: 'agent', label: id, calls: 1, totalMs: 0, errorCount: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, spanIds: [] }));
  return { nodes, edges: edges.map(([from, to, kind = 'delegation']) => ({ id: `${from}->${to}`, from, to, kind, count: 1 })) };
}

describe('layoutGraph', () => {
  it('layers the research graph by depth from the root agent', () => {
    const layout = layoutGraph(agentGraph(researchTrace()));
    expect(layout.layers).toEqual([
      ['agent:orchestrator'],
      ['llm:agent:orchestrator/gpt-4o', 'agent:planner', 'agent:researcher', 'agent:writer'],
      ['llm:agent:planner/gpt-4o-mini', 'llm:agent:researcher/gpt-4o', 'tool:agent:researcher/search', 'retrieval:agent:researcher/vector_search', 'llm:agent:writer/claude-sonnet'],
    ]);
  });

  it('computes centred coordinates from the options', () => {
    const opts = { nodeWidth: 100, nodeHeight: 40, gapX: 20, gapY: 60, margin: 10 };
    const layout = layoutGraph(graph(['r', 'a', 'b'], [['r', 'a'], ['r', 'b']]), opts);
    // Widest layer: 2 × 100 + 20 = 220 wide.
    expect(layout.width).toBe(240);
    expect(layout.height).toBe(2 * 40 + 60 + 20);
    expect(layout.positions).toEqual({
      r: { x: 10 + 60 + 50, y: 30, layer: 0 },
      a: { x: 60, y: 130, layer: 1 },
      b: { x: 180, y: 130, layer: 1 },
    });
  });

  it('reorders a layer by the barycenter of its parents to remove crossings', () => {
    // Graph order puts b's child before a's child: one barycenter sweep uncrosses them.
    const layout = layoutGraph(graph(['r', 'a', 'b', 'b1', 'a1', 'a2'], [['r', 'a'], ['r', 'b'], ['b', 'b1'], ['a', 'a1'], ['a', 'a2']]));
    expect(layout.layers).toEqual([['r'], ['a', 'b'], ['a1', 'a2', 'b1']]);
    expect(layout.positions.a1!.x).toBeLessThan(layout.positions.b1!.x);
  });

  it('ignores handoff edges for layering and survives cycles', () => {
    const layout = layoutGraph(graph(['x', 'y', 'z', 'p', 'q'], [['x', 'y'], ['y', 'z', 'handoff'], ['p', 'q'], ['q', 'p']]));
    expect(layout.positions.z!.layer).toBe(0);
    expect(layout.positions.y!.layer).toBe(1);
    expect(layout.positions.p!.layer).toBe(0);
    expect(layout.positions.q!.layer).toBe(1);
  });

  it('never overlaps nodes of one layer', () => {
    const layout = layoutGraph(agentGraph(researchTrace()));
    for (const layer of layout.layers) {
      const xs = layer.map((id) => layout.positions[id]!.x);
      for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBe(DEFAULT_LAYOUT.nodeWidth + DEFAULT_LAYOUT.gapX);
    }
  });

  it('lays out an empty graph', () => {
    expect(layoutGraph({ nodes: [], edges: [] })).toEqual({ positions: {}, layers: [], width: 2 * DEFAULT_LAYOUT.margin, height: 2 * DEFAULT_LAYOUT.margin });
  });
});
