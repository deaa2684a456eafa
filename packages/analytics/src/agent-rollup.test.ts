import { describe, expect, it } from 'vitest';
import { agentRollup, NO_AGENT } from './agent-rollup.ts';
import { agent, flatten, llm, researchTrace, span, tool } from './test-fixtures.ts';

describe('agentRollup', () => {
  it('rolls up the research trace per agent (hand-computed)', () => {
    const rows = agentRollup(researchTrace({ 'w-llm': { status: 'error' }, wri: { status: 'error' } }));
    expect(rows.map((r) => r.agent)).toEqual(['researcher', 'writer', 'orchestrator', 'planner']);
    const byName = Object.fromEntries(rows.map((r) => [r.agent, r]));
    expect(byName.orchestrator).toMatchObject({ calls: 1, llmCalls: 2, toolCalls: 0, totalMs: 1000, selfMs: 0, inputTokens: 300, outputTokens: 60 });
    expect(byName.planner).toMatchObject({ calls: 1, llmCalls: 1, toolCalls: 0, totalMs: 150, selfMs: 20, inputTokens: 300, outputTokens: 120 });
    // Work union inside researcher: [255, 690] of [250, 700]; the client+HTTP span pair is one call.
    expect(byName.researcher).toMatchObject({ calls: 1, llmCalls: 2, toolCalls: 2, totalMs: 450, selfMs: 15, inputTokens: 1400, outputTokens: 280 });
    expect(byName.writer).toMatchObject({ calls: 1, llmCalls: 1, errorCount: 1, totalMs: 280, selfMs: 25, inputTokens: 1200, outputTokens: 600 });
    expect(byName.orchestrator!.costUsd).toBeCloseTo(0.0025, 12);
    expect(byName.researcher!.costUsd).toBeCloseTo(0.012, 12);
    const total = rows.reduce((a, r) => a + r.costUsd, 0);
    expect(total).toBeCloseTo(0.0248, 12);
  });

  it('attributes usage outside any agent to (no agent) and counts nested chains as agent self time', () => {
    const spans = flatten(
      span('http', 'chain', 'POST /chat', [0, 100], [
        llm('guard', 'llama-guard', [0, 10], [50, 2, 0.0001]),
        agent('a', 'assistant', [10, 100], [
          span('prep', 'chain', 'prepare', [10, 30], [tool('t', 'lookup', [20, 25])]),
          llm('l', 'gpt-4o', [30, 90], [100, 20, 0.001]),
        ]),
      ]),
    );
    const rows = agentRollup(spans);
    expect(rows.map((r) => [r.agent, r.calls, r.llmCalls, r.toolCalls, r.totalMs, r.selfMs, r.inputTokens])).toEqual([
      ['assistant', 1, 1, 1, 90, 90 - 5 - 60, 100],
      [NO_AGENT, 0, 1, 0, 0, 0, 50],
    ]);
  });

  it('does not double count time of recursive same-name agents, and clips overflowing work', () => {
    const spans = flatten(
      agent('r1', 'researcher', [0, 100], [agent('r2', 'researcher', [10, 60], [tool('t', 'search', [50, 80])])]),
    );
    const [row] = agentRollup(spans);
    // r1 self: 100 − 50 (r2) = 50; r2 self: 50 − 10 (t clipped to [50,60]) = 40.
    expect(row).toMatchObject({ agent: 'researcher', calls: 2, totalMs: 100, selfMs: 90, toolCalls: 1 });
  });

  it('returns nothing for an empty trace', () => {
    expect(agentRollup([])).toEqual([]);
  });
});
