// Test and benchmark helpers (not exported from index.ts): large traces of a given shape, for the
// complexity tests (operation counts) and `npm run bench:analytics` (wall time).
import { rng } from './test-fixtures.ts';
import type { Category, TraceSpan } from './types.ts';

const T0 = 1_700_000_000_000;

/** What span `i` of `n` is: category, agent/tool name, status. */
export type Role = (i: number) => Partial<TraceSpan> & { category: Category };

function spanAt(i: number, parent: number, startMs: number, endMs: number, role: Role): TraceSpan {
  const r = role(i);
  return {
    spanId: `s${i}`,
    parentSpanId: parent < 0 ? '' : `s${parent}`,
    traceId: 't1',
    name: `${r.category} ${i}`,
    service: 'svc',
    startMs: T0 + startMs,
    endMs: T0 + endMs,
    status: 'unset',
    statusMessage: '',
    errorType: '',
    operation: '',
    agent: '',
    tool: '',
    model: '',
    provider: '',
    inputTokens: 10,
    outputTokens: 5,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0.001,
    usageCounted: r.category === 'llm',
    links: [],
    ...r,
  };
}

/** A deep chain: span i is the parent of span i + 1, each nested inside its parent. */
export function chainTrace(n: number, role: Role): TraceSpan[] {
  const out: TraceSpan[] = [];
  for (let i = 0; i < n; i++) out.push(spanAt(i, i - 1, i, 2 * n - i, role));
  return out;
}

/** A wide trace: span 0 is the parent of all others, which overlap each other. */
export function wideTrace(n: number, role: Role): TraceSpan[] {
  const out: TraceSpan[] = [spanAt(0, -1, 0, 10 * n, role)];
  for (let i = 1; i < n; i++) out.push(spanAt(i, 0, i, i + n, role));
  return out;
}

/** A random tree: each span's parent is a random earlier span; children nest in their parent. */
export function randomTrace(n: number, role: Role, seed = 7): TraceSpan[] {
  const rand = rng(seed);
  const bounds: [number, number][] = [[0, 1e9]];
  const out: TraceSpan[] = [spanAt(0, -1, 0, 1e9, role)];
  for (let i = 1; i < n; i++) {
    const p = Math.floor(rand() * i);
    const [ps, pe] = bounds[p]!;
    const a = ps + rand() * (pe - ps);
    const b = ps + rand() * (pe - ps);
    bounds.push([Math.min(a, b), Math.max(a, b)]);
    out.push(spanAt(i, p, Math.min(a, b), Math.max(a, b), role));
  }
  return out;
}

const CYCLE: Category[] = ['agent', 'chain', 'llm', 'tool', 'retrieval', 'other'];

/** Roles that hit each analysis's former worst case. */
export const ROLES: Record<string, Role> = {
  /** Every category in turn, three agent names, every span failed. */
  mixed: (i) => {
    const category = CYCLE[i % CYCLE.length]!;
    return { category, agent: category === 'agent' ? `agent-${i % 3}` : '', tool: category === 'tool' ? `tool-${i % 5}` : '', status: 'error' };
  },
  /** Agents with distinct names: an ancestor walk per agent looking for its own name. */
  agents: (i) => ({ category: 'agent', agent: `agent-${i}`, status: i % 2 ? 'error' : 'unset' }),
  /** One agent on top of tools: every tool's owner and same-node check walks up to it. */
  tools: (i) => (i === 0 ? { category: 'agent', agent: 'top' } : { category: 'tool', tool: 'search' }),
  /** One agent on top of transparent spans and LLM calls. */
  transparent: (i) => (i === 0 ? { category: 'agent', agent: 'top' } : i % 10 === 0 ? { category: 'llm', model: 'gpt' } : { category: 'chain' }),
  /** Sibling agents that each hand off (their own last span is a handoff tool in a chain). */
  handoffs: (i) => (i % 2 === 1 ? { category: 'agent', agent: `a${i}` } : { category: 'tool', tool: 'transfer_to_next', status: 'error' }),
};

/**
 * A root agent over n/2 sibling agents that all overlap in time, each ending with a handoff
 * tool: no sibling qualifies as the one handed to, so a search for it sees every sibling.
 */
export function handoffFanOut(n: number): TraceSpan[] {
  const role: Role = (i) => (i === 0 ? { category: 'agent', agent: 'root' } : i % 2 === 1 ? { category: 'agent', agent: `a${i}` } : { category: 'tool', tool: 'transfer_to_next' });
  const out: TraceSpan[] = [spanAt(0, -1, 0, 10 * n, role)];
  for (let i = 1; i < n; i++) {
    if (i % 2 === 1) out.push(spanAt(i, 0, i, i + n, role));
    else out.push(spanAt(i, i - 1, i + n - 1, i + n - 1 + 0.5, role));
  }
  return out;
}
