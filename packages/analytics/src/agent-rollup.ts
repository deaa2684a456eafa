import { agentName, buildSpanTree, nearestAgent, preorder, type SpanNode } from './tree.ts';
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
export function agentRollup(spans: readonly TraceSpan[]): AgentRollupRow[] {
  const tree = buildSpanTree(spans);
  const rows = new Map<string, AgentRollupRow>();
  const row = (agent: string): AgentRollupRow => {
    let r = rows.get(agent);
    if (!r) {
      r = { agent, calls: 0, llmCalls: 0, toolCalls: 0, errorCount: 0, totalMs: 0, selfMs: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
      rows.set(agent, r);
    }
    return r;
  };

  for (const n of preorder(tree)) {
    const span = n.span;
    if (span.category === 'agent') {
      const r = row(agentName(span));
      r.calls++;
      if (span.status === 'error') r.errorCount++;
      if (!sameNameAncestor(n)) r.totalMs += durationMs(span);
      r.selfMs += selfTime(n);
    }
    const owner = nearestAgent(n, true);
    const ownerName = owner ? agentName(owner.span) : NO_AGENT;
    if ((span.category === 'llm' || span.category === 'tool') && !nestedInSameCategory(n, owner)) {
      if (span.category === 'llm') row(ownerName).llmCalls++;
      else row(ownerName).toolCalls++;
    }
    if (span.usageCounted) {
      const r = row(ownerName);
      r.inputTokens += span.inputTokens;
      r.outputTokens += span.outputTokens;
      r.costUsd += span.costUsd;
    }
  }

  return [...rows.values()].sort(
    (a, b) => b.costUsd - a.costUsd || b.totalMs - a.totalMs || (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0),
  );
}

/** True when an ancestor below `owner` has the same category (client span around its HTTP span). */
function nestedInSameCategory(node: SpanNode, owner: SpanNode | null): boolean {
  for (let p = node.parent; p && p !== owner; p = p.parent) if (p.span.category === node.span.category) return true;
  return false;
}

function sameNameAncestor(node: SpanNode): boolean {
  const name = agentName(node.span);
  for (let p = node.parent; p; p = p.parent) {
    if (p.span.category === 'agent' && agentName(p.span) === name) return true;
  }
  return false;
}

/** Agent span duration minus the union of its work intervals (see AgentRollupRow.selfMs). */
function selfTime(agent: SpanNode): number {
  const start = agent.span.startMs;
  const end = Math.max(start, agent.span.endMs);
  const intervals: [number, number][] = [];
  const stack = [...agent.children];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (WORK.has(n.span.category)) {
      const s = Math.max(start, n.span.startMs);
      const e = Math.min(end, n.span.endMs);
      if (e > s) intervals.push([s, e]);
    } else {
      stack.push(...n.children);
    }
  }
  intervals.sort((a, b) => a[0] - b[0]);
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
