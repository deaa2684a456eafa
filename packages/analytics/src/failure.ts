import { agentName, buildSpanTree, preorder, type SpanNode } from './tree.ts';
import { tick } from './ops.ts';
import type { TraceSpan } from './types.ts';

export interface FailureAnalysis {
  /** Where the failure that reached the root started; null when no root is in error. */
  originSpanId: string | null;
  /** origin → … → root: the error spans on the way up, plus the root. */
  path: string[];
  /** One line, e.g. "tool `search` timed out → researcher agent failed → orchestrator returned error". */
  explanation: string;
  /** Every span with status 'error', in tree pre-order (recovered ones included). */
  errorSpanIds: string[];
}

const isError = (n: SpanNode): boolean => n.span.status === 'error';

/**
 * The error spans that "propagated": their root is in error and no span between them and the root
 * finished with an explicit 'ok' — such a span absorbed the failure (retry, fallback). Spans with
 * status 'unset' are transparent: framework wrappers often never set a status.
 *
 * `nodes` in pre-order, so a parent's facts are known before its children's: linear.
 */
function propagatedErrors(nodes: readonly SpanNode[]): SpanNode[] {
  const okAbove = new Map<SpanNode, boolean>();
  const rootOf = new Map<SpanNode, SpanNode>();
  const out: SpanNode[] = [];
  for (const n of nodes) {
    tick();
    const p = n.parent;
    okAbove.set(n, p ? okAbove.get(p)! || p.span.status === 'ok' : false);
    const root = p ? rootOf.get(p)! : n;
    rootOf.set(n, root);
    if (isError(n) && !okAbove.get(n) && isError(root)) out.push(n);
  }
  return out;
}

/**
 * Finds the origin of the failure that made the trace fail.
 *
 * Origin = a propagated error span with no propagated error below it (the deepest point of an
 * error chain); among several, the earliest-ending (then deepest, then earliest start). An error
 * under an 'ok' span (retried or handled) is listed in errorSpanIds but never the origin: when all
 * errors below a failed root were absorbed, the root itself is the origin. When no root is in
 * error, originSpanId is null and the explanation summarises the recovered errors (or is '' when
 * there are none).
 */
export function failureAnalysis(spans: readonly TraceSpan[]): FailureAnalysis {
  const tree = buildSpanTree(spans);
  const nodes = preorder(tree);
  const errors = nodes.filter(isError);
  const errorSpanIds = errors.map((n) => n.span.spanId);
  if (errors.length === 0) return { originSpanId: null, path: [], explanation: '', errorSpanIds };

  const origin = deepest(propagatedErrors(nodes))[0];

  if (!origin) {
    const first = deepest(errors)[0]!;
    const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
    return {
      originSpanId: null,
      path: [],
      explanation: `recovered: ${describeSpan(first.span)} ${failureOutcome(first.span)}${more}`,
      errorSpanIds,
    };
  }

  const pathNodes: SpanNode[] = [origin];
  for (let p = origin.parent; p; p = p.parent) {
    if (isError(p) || !p.parent) pathNodes.push(p);
  }
  const parts = pathNodes.map((n, i) => {
    if (i === 0) return `${describeSpan(n.span)} ${failureOutcome(n.span)}`;
    if (!n.parent) return `${rootLabel(n.span)} returned error`;
    return `${describeSpan(n.span)} failed`;
  });
  return {
    originSpanId: origin.span.spanId,
    path: pathNodes.map((n) => n.span.spanId),
    explanation: parts.join(' → '),
    errorSpanIds,
  };
}

function byOriginPreference(a: SpanNode, b: SpanNode): number {
  tick();
  return (
    a.span.endMs - b.span.endMs ||
    b.depth - a.depth ||
    a.span.startMs - b.span.startMs ||
    (a.span.spanId < b.span.spanId ? -1 : a.span.spanId > b.span.spanId ? 1 : 0)
  );
}

/** Members of `set` with no other member below them, best origin candidate first. */
function deepest(set: SpanNode[]): SpanNode[] {
  const hasMemberBelow = new Set<SpanNode>();
  for (const n of set) {
    for (let p = n.parent; p && !hasMemberBelow.has(p); p = p.parent) {
      tick();
      hasMemberBelow.add(p);
    }
  }
  return set.filter((n) => !hasMemberBelow.has(n)).sort(byOriginPreference);
}

/** How a span is named in the explanation, by category. */
export function describeSpan(span: TraceSpan): string {
  switch (span.category) {
    case 'tool':
      return `tool \`${span.tool || span.name}\``;
    case 'agent':
      return `${agentName(span)} agent`;
    case 'llm':
      return `LLM call \`${span.model || span.name}\``;
    case 'retrieval':
      // OTel names retrieval spans "retrieval <source>": don't say "retrieval" twice.
      return `retrieval \`${span.name.replace(/^retrieval\s+/i, '') || span.name}\``;
    default:
      return `\`${span.name}\``;
  }
}

function rootLabel(span: TraceSpan): string {
  return span.category === 'agent' ? agentName(span) : `\`${span.name}\``;
}

/** Recognised failure kinds, checked in order against errorType and statusMessage (lower-cased). */
const OUTCOMES: { test: RegExp; text: string }[] = [
  { test: /timed?[ _.-]?out|deadline[ _.-]?exceeded/, text: 'timed out' },
  { test: /rate[ _.-]?limit|too[ _.-]?many[ _.-]?requests|\b429\b/, text: 'was rate-limited' },
  { test: /cancel/, text: 'was cancelled' },
];

const MAX_MESSAGE = 80;

/** The origin's outcome: a recognised kind, else "failed: <errorType or short message>". */
export function failureOutcome(span: TraceSpan): string {
  const haystack = `${span.errorType}\n${span.statusMessage}`.toLowerCase();
  for (const { test, text } of OUTCOMES) if (test.test(haystack)) return text;
  const detail = span.errorType || shortMessage(span.statusMessage);
  return detail ? `failed: ${detail}` : 'failed';
}

function shortMessage(message: string): string {
  const line = (message.split('\n')[0] ?? '').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
}
