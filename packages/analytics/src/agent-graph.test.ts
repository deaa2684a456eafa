import { describe, expect, it } from 'vitest';
import { agentGraph, type AgentGraph, type GraphNode } from './agent-graph.ts';
import { agent, flatten, llm, researchTrace, span, tool } from './test-fixtures.ts';

const edgeList = (g: AgentGraph): string[] => g.edges.map((e) => `${e.kind} ${e.from} -> ${e.to} ×${e.count}`);
const node = (g: AgentGraph, id: string): GraphNode => {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
};

describe('agentGraph', () => {
  it('folds the research trace into agents, models and tools under their owners', () => {
    const g = agentGraph(researchTrace({ 'r-search1': { status: 'error' } }));
    expect(g.nodes.map((n) => [n.id, n.kind, n.label, n.calls])).toEqual([
      ['agent:orchestrator', 'agent', 'orchestrator', 1],
      ['llm:agent:orchestrator/gpt-4o', 'llm', 'gpt-4o', 2],
      ['agent:planner', 'agent', 'planner', 1],
      ['llm:agent:planner/gpt-4o-mini', 'llm', 'gpt-4o-mini', 1],
      ['agent:researcher', 'agent', 'researcher', 1],
      ['llm:agent:researcher/gpt-4o', 'llm', 'gpt-4o', 2], // r-llm2-http is part of the r-llm2 call
      ['tool:agent:researcher/search', 'tool', 'search', 2],
      ['retrieval:agent:researcher/vector_search', 'retrieval', 'vector_search', 1],
      ['agent:writer', 'agent', 'writer', 1],
      ['llm:agent:writer/claude-sonnet', 'llm', 'claude-sonnet', 1],
    ]);
    expect(edgeList(g)).toEqual([
      'call agent:orchestrator -> llm:agent:orchestrator/gpt-4o ×2',
      'delegation agent:orchestrator -> agent:planner ×1',
      'call agent:planner -> llm:agent:planner/gpt-4o-mini ×1',
      'delegation agent:orchestrator -> agent:researcher ×1',
      'call agent:researcher -> llm:agent:researcher/gpt-4o ×2',
      'call agent:researcher -> tool:agent:researcher/search ×2',
      'call agent:researcher -> retrieval:agent:researcher/vector_search ×1',
      'delegation agent:orchestrator -> agent:writer ×1',
      'call agent:writer -> llm:agent:writer/claude-sonnet ×1',
    ]);
    const rllm = node(g, 'llm:agent:researcher/gpt-4o');
    // Usage counted once (the client span r-llm2 repeats the HTTP span's usage but is not usageCounted).
    expect(rllm).toMatchObject({ inputTokens: 1400, outputTokens: 280, totalMs: 95 + 70, spanIds: ['r-llm1', 'r-llm2', 'r-llm2-http'] });
    expect(rllm.costUsd).toBeCloseTo(0.012, 12);
    expect(node(g, 'tool:agent:researcher/search')).toMatchObject({ totalMs: 150 + 270, errorCount: 1, costUsd: 0 });
    // Agent nodes carry what their direct calls spent: the orchestrator's two gpt-4o calls, the
    // researcher's LLM calls — and not the sub-agents' spend.
    const orchLlm = node(g, 'llm:agent:orchestrator/gpt-4o');
    expect(node(g, 'agent:orchestrator')).toMatchObject({ totalMs: 1000, inputTokens: orchLlm.inputTokens, spanIds: ['orch'] });
    expect(orchLlm.inputTokens).toBe(300);
    expect(node(g, 'agent:researcher')).toMatchObject({ inputTokens: 1400, outputTokens: 280 });
    expect(node(g, 'agent:researcher').costUsd).toBeCloseTo(0.012, 12);
  });

  it('keys agents by name across invocations and separates the same tool under different agents', () => {
    const spans = flatten(
      agent('o', 'orchestrator', [0, 100], [
        agent('r1', 'researcher', [0, 40], [tool('t1', 'search', [5, 20])]),
        agent('r2', 'researcher', [40, 80], [tool('t2', 'search', [45, 60]), agent('r3', 'researcher', [60, 70])]),
        tool('t3', 'search', [80, 90]),
      ]),
    );
    const g = agentGraph(spans);
    expect(node(g, 'agent:researcher')).toMatchObject({ calls: 3, spanIds: ['r1', 'r2', 'r3'] });
    expect(edgeList(g)).toEqual([
      'delegation agent:orchestrator -> agent:researcher ×2', // the recursive r3 adds no self-loop
      'call agent:researcher -> tool:agent:researcher/search ×2',
      'call agent:orchestrator -> tool:agent:orchestrator/search ×1',
    ]);
  });

  it('adds a root node only for work outside any agent', () => {
    const spans = flatten(
      span('http', 'chain', 'POST /chat', [0, 100], [
        llm('guard', 'llama-guard', [0, 5], [10, 1, 0]),
        agent('a', 'assistant', [5, 100], [llm('l', 'gpt-4o', [10, 90], [100, 20, 0.001])]),
      ]),
    );
    const g = agentGraph(spans);
    expect(g.nodes[0]).toMatchObject({ id: 'root', kind: 'root', label: 'POST /chat', calls: 1, totalMs: 100, spanIds: ['http'] });
    expect(edgeList(g)).toEqual([
      'call root -> llm:root/llama-guard ×1',
      'delegation root -> agent:assistant ×1',
      'call agent:assistant -> llm:agent:assistant/gpt-4o ×1',
    ]);
    expect(agentGraph(researchTrace()).nodes.some((n) => n.kind === 'root')).toBe(false);
  });

  it('detects handoffs from a transfer tool followed by a sibling agent', () => {
    const spans = flatten(
      span('http', 'chain', 'POST /chat', [0, 100], [
        agent('triage', 'triage', [0, 40], [llm('tl', 'gpt-4o-mini', [0, 30], [1, 1, 0]), tool('tt', 'transfer_to_billing', [30, 40])]),
        agent('billing', 'billing', [45, 100], [llm('bl', 'gpt-4o', [50, 90], [1, 1, 0])]),
        agent('late', 'billing', [100, 100]),
      ]),
    );
    const g = agentGraph(spans);
    expect(g.edges.filter((e) => e.kind === 'handoff').map((e) => [e.from, e.to, e.count])).toEqual([['agent:triage', 'agent:billing', 1]]);
  });

  it('does not treat sequential agents without a handoff tool as a handoff', () => {
    const spans = flatten(
      agent('o', 'orchestrator', [0, 100], [agent('a', 'a', [0, 40], [tool('t', 'search', [30, 40])]), agent('b', 'b', [45, 100])]),
    );
    expect(agentGraph(spans).edges.some((e) => e.kind === 'handoff')).toBe(false);
  });

  it('detects handoffs from span links within the trace and ignores links to other traces', () => {
    const spans = flatten([agent('a', 'support', [0, 40]), agent('b', 'refunds', [50, 90])], {
      b: { links: [{ traceId: 'trace-1', spanId: 'a' }, { traceId: 'other-trace', spanId: 'x' }] },
    });
    spans.push({ ...spans[0]!, spanId: 'c', name: 'invoke_agent audit', agent: 'audit', links: [{ traceId: 'other-trace', spanId: 'a' }] });
    const g = agentGraph(spans);
    expect(g.edges.filter((e) => e.kind === 'handoff').map((e) => `${e.from}->${e.to}`)).toEqual(['agent:support->agent:refunds']);
  });

  it('returns an empty graph for an empty trace', () => {
    expect(agentGraph([])).toEqual({ nodes: [], edges: [] });
  });
});
