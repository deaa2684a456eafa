import { describeSpan, failureOutcome, groupThousands, meaningfulErrorType, rootLabel } from './failure-text.ts';
import { tick } from './ops.ts';
import { buildSpanTree, preorder, primaryRoot, type SpanNode, type SpanTree } from './tree.ts';
import type { TraceSpan } from './types.ts';

export { describeSpan, failureOutcome } from './failure-text.ts';

/** One link of the failure chain as the banner draws it; consecutive equal links are one step. */
export interface FailureStep {
  /** The first span of the run (nearest the origin), to jump to. */
  spanId: string;
  text: string;
  /** How many consecutive links of the chain read the same (1 for most). */
  count: number;
}

export interface FailureAnalysis {
  /** Where the failure that reached the root started; null when no root is in error. */
  originSpanId: string | null;
  /** origin → … → root: the failed spans whose failure their parent reports. */
  path: string[];
  /** `path` worded, repeats collapsed ("tool `step` failed ×19,999"). */
  steps: FailureStep[];
  /** The steps in one line: "tool `search` timed out → researcher agent failed → orchestrator returned error". */
  explanation: string;
  /** Every span with status 'error', in tree pre-order (recovered ones included). */
  errorSpanIds: string[];
  /** Error spans that did not fail the trace: retried with success, or under a span that finished ok. */
  recoveredSpanIds: string[];
}

/** Clock slack when comparing a child's end with its parent's or a retry's start (ms). */
const TOLERANCE_MS = 1;

const isError = (n: SpanNode): boolean => n.span.status === 'error';
/** Spans of the same operation under one parent: what a retry repeats. */
const attemptKey = (s: TraceSpan): string => `${s.category}\u0000${s.name}\u0000${s.tool}\u0000${s.model}`;

interface Attempts {
  /** Failed spans followed by a sibling attempt of the same operation that did not fail. */
  retriedOk: Set<SpanNode>;
  /** Failed spans followed by a sibling attempt that failed too (the last attempt carries on). */
  superseded: Set<SpanNode>;
  /** For a last failed attempt: how many attempts failed in a row, itself included (≥ 2 only). */
  count: Map<SpanNode, number>;
}

/**
 * Retries among siblings: a later sibling of the same operation that starts after a failed span
 * ended is its retry. One pass over every parent's children (max start per key), so linear.
 */
function classifyAttempts(nodes: readonly SpanNode[]): Attempts {
  const out: Attempts = { retriedOk: new Set(), superseded: new Set(), count: new Map() };
  const visitGroup = (children: readonly SpanNode[]) => {
    if (!children.some(isError)) return;
    const lastOk = new Map<string, number>();
    const lastErr = new Map<string, number>();
    const failedByKey = new Map<string, SpanNode[]>();
    for (const c of children) {
      tick();
      const k = attemptKey(c.span);
      const m = isError(c) ? lastErr : lastOk;
      m.set(k, Math.max(m.get(k) ?? -Infinity, c.span.startMs));
      if (!isError(c)) continue;
      const group = failedByKey.get(k);
      if (group) group.push(c);
      else failedByKey.set(k, [c]);
    }
    for (const [k, failed] of failedByKey) {
      let finals = 0;
      for (const c of failed) {
        tick();
        const after = c.span.endMs - TOLERANCE_MS;
        if ((lastOk.get(k) ?? -Infinity) >= after) out.retriedOk.add(c);
        else if ((lastErr.get(k) ?? -Infinity) >= after) out.superseded.add(c);
        else finals++;
      }
      // Exhausted retries: the one final attempt counts the failed attempts that ended before it.
      if (finals === 1 && failed.length > 1) {
        const last = failed.find((c) => !out.retriedOk.has(c) && !out.superseded.has(c))!;
        const n = failed.filter((c) => out.superseded.has(c) && c.span.endMs <= last.span.startMs + TOLERANCE_MS).length;
        if (n > 0) out.count.set(last, n + 1);
      }
    }
  };
  visitGroup(nodes.filter((n) => !n.parent));
  for (const n of nodes) if (n.children.length > 0) visitGroup(n.children);
  return out;
}

/**
 * Error spans that did not fail the trace, in pre-order: retried with success, or below a span
 * that finished 'ok' (it absorbed the failure: fallback, handled exception), below such a retried
 * span, or below a root that is not in error. 'unset' spans are transparent (wrappers rarely set
 * a status). Parents come before children in `nodes`, so one pass.
 */
function recoveredErrors(nodes: readonly SpanNode[], attempts: Attempts): SpanNode[] {
  const absorbs = new Map<SpanNode, boolean>();
  const out: SpanNode[] = [];
  for (const n of nodes) {
    tick();
    const fromAbove = n.parent ? absorbs.get(n.parent)! : false;
    const retried = attempts.retriedOk.has(n);
    if (isError(n) && (fromAbove || retried)) out.push(n);
    absorbs.set(n, fromAbove || retried || n.span.status === 'ok' || (!n.parent && !isError(n)));
  }
  return out;
}

/**
 * Failed spans below `node` whose failure it may report: reached through 'unset' spans only
 * (an 'ok' span absorbed what is below it; an error span is the next link), not retried away or
 * superseded by a later attempt, and ended by the time `node` ended (a child failing after its
 * parent ended was cut off by it, not its cause). A child cancelled under a parent that timed
 * out is the timeout's consequence.
 */
function reportedFailures(node: SpanNode, attempts: Attempts): SpanNode[] {
  const parentTimedOut = failureOutcome(node.span) === 'timed out';
  const out: SpanNode[] = [];
  const stack = [...node.children];
  while (stack.length > 0) {
    const c = stack.pop()!;
    tick();
    if (c.span.status === 'ok' || attempts.retriedOk.has(c)) continue;
    if (!isError(c)) {
      stack.push(...c.children);
      continue;
    }
    if (attempts.superseded.has(c)) continue;
    if (c.span.endMs > node.span.endMs + TOLERANCE_MS) continue;
    if (parentTimedOut && failureOutcome(c.span) === 'was cancelled') continue;
    out.push(c);
  }
  return out;
}

/** Names a span may go by in its parent's message (its label, tool, agent, model). */
function namesOf(s: TraceSpan): string[] {
  return [s.name, s.tool, s.agent, s.model].filter((x) => x.length >= 3).map((x) => x.toLowerCase());
}

/**
 * How clearly `parent` reports `child`'s failure: its message quotes the child's message (3),
 * names the child (2), or carries the same error type (1); 0 when only its status says so.
 */
function evidence(parent: TraceSpan, child: TraceSpan): number {
  const message = parent.statusMessage.toLowerCase();
  if (message && child.statusMessage.length >= 4 && message.includes(child.statusMessage.toLowerCase())) return 3;
  if (message && namesOf(child).some((n) => message.includes(n))) return 2;
  const type = meaningfulErrorType(parent);
  if (type && type === meaningfulErrorType(child)) return 1;
  return 0;
}

/** The best-reported failure among `candidates`: most evidence, then the first to end. */
function pickReported(parent: SpanNode, candidates: SpanNode[]): SpanNode | undefined {
  let best: SpanNode | undefined;
  let bestScore = -1;
  for (const c of candidates) {
    tick();
    const score = evidence(parent.span, c.span);
    if (score > bestScore || (score === bestScore && best && byFirstFailure(c, best) < 0)) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

function byFirstFailure(a: SpanNode, b: SpanNode): number {
  tick();
  return (
    a.span.endMs - b.span.endMs ||
    b.depth - a.depth ||
    a.span.startMs - b.span.startMs ||
    (a.span.spanId < b.span.spanId ? -1 : a.span.spanId > b.span.spanId ? 1 : 0)
  );
}

/**
 * Finds the origin of the failure that made the trace fail.
 *
 * From the failed root (the primary root when it failed, else the first failed root to end),
 * follow the chain of failed spans whose failure their parent reports — status, error type,
 * message, timing (see `reportedFailures` and `evidence`) — down to the deepest one: that span
 * is the origin. A failed span followed by a successful sibling retry of the same operation is
 * recovered, never a link; of several failed attempts, the last one is the link (its step says
 * how many attempts failed). When no root is in error, originSpanId is null and the explanation
 * summarises the recovered errors ('' when there are none). Linear in spans: each span is looked
 * at by the search below at most one link of the chain.
 */
export function failureAnalysis(spans: readonly TraceSpan[], tree: SpanTree = buildSpanTree(spans)): FailureAnalysis {
  const nodes = preorder(tree);
  const errors = nodes.filter(isError);
  const errorSpanIds = errors.map((n) => n.span.spanId);
  const none = { originSpanId: null, path: [], steps: [], errorSpanIds, recoveredSpanIds: [] };
  if (errors.length === 0) return { ...none, explanation: '' };

  const attempts = classifyAttempts(nodes);
  const recoveredSpanIds = recoveredErrors(nodes, attempts).map((n) => n.span.spanId);
  const primary = primaryRoot(tree);
  const failedRoots = tree.roots.filter(isError).sort(byFirstFailure);
  const root = primary && isError(primary) ? primary : failedRoots[0];

  if (!root) {
    const first = deepestFirst(errors);
    const more = errors.length > 1 ? ` (+${groupThousands(errors.length - 1)} more)` : '';
    return { ...none, recoveredSpanIds, explanation: `recovered: ${describeSpan(first.span)} ${failureOutcome(first.span)}${more}` };
  }

  const chain: SpanNode[] = [root];
  for (let link = pickReported(root, reportedFailures(root, attempts)); link; link = pickReported(link, reportedFailures(link, attempts))) {
    chain.push(link);
  }
  chain.reverse();
  const origin = chain[0]!;
  const texts = chain.map((n, i) => {
    if (i === 0) {
      const tries = attempts.count.get(n);
      return `${describeSpan(n.span)} ${failureOutcome(n.span)}${tries ? ` (${groupThousands(tries)} attempts)` : ''}`;
    }
    return i === chain.length - 1 ? `${rootLabel(n.span)} returned error` : `${describeSpan(n.span)} failed`;
  });
  const steps: FailureStep[] = [];
  texts.forEach((text, i) => {
    const last = steps[steps.length - 1];
    if (last && last.text === text) last.count++;
    else steps.push({ spanId: chain[i]!.span.spanId, text, count: 1 });
  });
  return {
    originSpanId: origin.span.spanId,
    path: chain.map((n) => n.span.spanId),
    steps,
    explanation: steps.map((s) => (s.count > 1 ? `${s.text} ×${groupThousands(s.count)}` : s.text)).join(' → '),
    errorSpanIds,
    recoveredSpanIds,
  };
}

/** The error with no other error below it that ended first (for the "recovered" summary). */
function deepestFirst(errors: SpanNode[]): SpanNode {
  const hasErrorBelow = new Set<SpanNode>();
  for (const n of errors) {
    for (let p = n.parent; p && !hasErrorBelow.has(p); p = p.parent) {
      tick();
      hasErrorBelow.add(p);
    }
  }
  return errors.filter((n) => !hasErrorBelow.has(n)).sort(byFirstFailure)[0]!;
}
