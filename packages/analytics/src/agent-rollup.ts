import { agentName, buildSpanTree, walk, type SpanNode, type SpanTree } from './tree.ts';
import { tick } from './ops.ts';
import { durationMs, type TraceSpan } from './types.ts';

export const NO_AGENT = '(no agent)';

export interface AgentRollupRow {
  /** Agent name, or NO_AGENT for work done outside any agent span. */
  agent: string;
  /** Number of agent spans with this name. */
  calls: number;
  /**
   * LLM / tool calls whose nearest ancestor agent has this name; a span nested in a span of the
   * same category below that agent (an LLM client span around its HTTP span) is not a new call.
   */
  llmCalls: number;
  toolCalls: number;
  errorCount: number;
  /** Σ durations of this agent's spans, not counting spans nested inside a same-name agent span. */
  totalMs: number;
  /**
   * Time inside this agent's spans not covered by its work: descendant llm / tool / retrieval /
   * agent spans, found through transparent chain/other spans and clipped to the agent span.
   */
  selfMs: number;
  /** Usage of usageCounted spans attributed to their nearest ancestor-or-self agent. */
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

const WORK = new Set(['llm', 'tool', 'retrieval', 'agent']);

/** Per-agent totals for one trace, sorted by cost (desc), then totalMs (desc), then name. */
export function agentRollup(spans: readonly TraceSpan[], tree: SpanTree = buildSpanTree(spans)): AgentRollupRow[] {
  const rows = new Map<string, AgentRollupRow>();
  const row = (agent: string): AgentRollupRow => {
    let r = rows.get(agent);
    if (!r) {
      r = { agent, calls: 0, llmCalls: 0, toolCalls: 0, errorCount: 0, totalMs: 0, selfMs: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
      rows.set(agent, r);
    }
    return r;
  };

  // State of the current root path (see `walk`): its agent spans, how many of them carry each
  // agent name, and the depths of its llm and tool spans.
  const agentsOnPath: SpanNode[] = [];
  const agentNamesOnPath = new Map<string, number>();
  const depthsOnPath = { llm: [] as number[], tool: [] as number[] };

  const enter = (n: SpanNode): void => {
    const span = n.span;
    if (span.category === 'agent') {
      const name = agentName(span);
      const r = row(name);
      r.calls++;
      if (span.status === 'error') r.errorCount++;
      const sameNameAbove = agentNamesOnPath.get(name) ?? 0;
      if (sameNameAbove === 0) r.totalMs += durationMs(span);
      r.selfMs += selfTime(n);
      agentNamesOnPath.set(name, sameNameAbove + 1);
      agentsOnPath.push(n);
    }
    // Nearest ancestor-or-self agent (the span itself was pushed just above when it is one).
    const owner = agentsOnPath[agentsOnPath.length - 1] ?? null;
    const ownerName = owner ? agentName(owner.span) : NO_AGENT;
    if (span.category === 'llm' || span.category === 'tool') {
      // A span of the same category on the path below the owner: this is part of that call.
      const depths = depthsOnPath[span.category];
      const nested = depths.length > 0 && depths[depths.length - 1]! > (owner ? owner.depth : -1);
      if (!nested) {
        if (span.category === 'llm') row(ownerName).llmCalls++;
        else row(ownerName).toolCalls++;
      }
      depths.push(n.depth);
    }
    if (span.usageCounted) {
      const r = row(ownerName);
      r.inputTokens += span.inputTokens;
      r.outputTokens += span.outputTokens;
      r.costUsd += span.costUsd;
    }
  };
  const exit = (n: SpanNode): void => {
    const category = n.span.category;
    if (category === 'llm' || category === 'tool') depthsOnPath[category].pop();
    if (category === 'agent') {
      const name = agentName(n.span);
      agentNamesOnPath.set(name, agentNamesOnPath.get(name)! - 1);
      agentsOnPath.pop();
    }
  };
  walk(tree, enter, exit);

  return [...rows.values()].sort(byCostThenTime);
}

function byCostThenTime(a: AgentRollupRow, b: AgentRollupRow): number {
  tick();
  return b.costUsd - a.costUsd || b.totalMs - a.totalMs || (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0);
}

/**
 * Agent span duration minus the union of its work intervals (see AgentRollupRow.selfMs). Linear
 * over all agents together: the walk stops at work spans, so each span is reached from at most
 * one agent (its nearest work ancestor).
 */
function selfTime(agent: SpanNode): number {
  const start = agent.span.startMs;
  const end = Math.max(start, agent.span.endMs);
  const intervals: [number, number][] = [];
  const stack = [...agent.children];
  while (stack.length > 0) {
    const n = stack.pop()!;
    tick();
    if (WORK.has(n.span.category)) {
      const s = Math.max(start, n.span.startMs);
      const e = Math.min(end, n.span.endMs);
      if (e > s) intervals.push([s, e]);
    } else {
      // A loop, not push(...children): spreading a 50k-child array overflows the call stack.
      for (const c of n.children) stack.push(c);
    }
  }
  intervals.sort((a, b) => (tick(), a[0] - b[0]));
  let covered = 0;
  let curS = -Infinity;
  let curE = -Infinity;
  for (const [s, e] of intervals) {
    if (s > curE) {
      if (curE > curS) covered += curE - curS;
      curS = s;
      curE = e;
    } else if (e > curE) {
      curE = e;
    }
  }
  if (curE > curS) covered += curE - curS;
  return end - start - covered;
}
