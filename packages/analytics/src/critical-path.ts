import { buildSpanTree, primaryRoot, type SpanNode, type SpanTree } from './tree.ts';
import { tick } from './ops.ts';
import { zeroByCategory, type Category, type TraceSpan } from './types.ts';

export interface CriticalPathSegment {
  spanId: string;
  startMs: number;
  endMs: number;
}

export interface CriticalPath {
  /** Disjoint, chronological, covering the root's [start, end]; adjacent pieces of one span merged. */
  segments: CriticalPathSegment[];
  /** Spans on the critical path, in order of their first segment. */
  spanIds: string[];
  /** Σ segment durations (= the root's duration). */
  totalMs: number;
  /** Σ segment durations per span category; adds up to totalMs. */
  byCategory: Record<Category, number>;
  /** Critical-path time attributed to each span itself (only spans on the path appear). */
  selfTimeBySpan: Record<string, number>;
}

/** A span with its bounds clipped to its (clipped) parent, and its surviving children. */
interface Frame {
  node: SpanNode;
  start: number;
  end: number;
  /** Clipped children sorted by end desc, then start asc (the longer one wins a tie). */
  kids: { node: SpanNode; start: number; end: number }[];
  next: number;
  cursor: number;
}

function byEndDescThenStart(a: Frame['kids'][number], b: Frame['kids'][number]): number {
  tick();
  return b.end - a.end || a.start - b.start;
}

function makeFrame(node: SpanNode, start: number, end: number): Frame {
  const kids: Frame['kids'] = [];
  for (const child of node.children) {
    tick();
    // A malformed span ending before it starts is treated as zero-length.
    const childEnd = Math.max(child.span.startMs, child.span.endMs);
    // Jaeger's sanitizeOverFlowingChildren: drop children entirely outside the parent, clip the rest.
    if (child.span.startMs >= end || childEnd <= start) continue;
    kids.push({ node: child, start: Math.max(child.span.startMs, start), end: Math.min(childEnd, end) });
  }
  if (kids.length > 1) kids.sort(byEndDescThenStart);
  return { node, start, end, kids, next: 0, cursor: end };
}

/**
 * Critical path of a trace, following Jaeger UI's algorithm (methods.md §D2): walk backwards from
 * the root's end; at each span pick the last-finishing child that ends at or before the cursor,
 * the time between that child's end and the cursor is the span's own, descend into the child, and
 * on return continue in the parent from the child's start. Children are clipped to their parent.
 *
 * Deliberate differences from Jaeger UI:
 * - a child ending exactly at the cursor is eligible (Jaeger uses a strict `<`, which skips
 *   back-to-back siblings such as an LLM call immediately followed by a tool call);
 * - with several roots (incomplete trace) only the longest root is walked;
 * - there is no PRODUCER→CONSUMER pruning (TraceSpan carries no span kind).
 *
 * Iterative, so arbitrarily deep traces do not overflow the stack.
 */
export function criticalPath(spans: readonly TraceSpan[], tree: SpanTree = buildSpanTree(spans)): CriticalPath {
  const root = primaryRoot(tree);
  const reversed: CriticalPathSegment[] = [];
  // The node of each segment, so the totals below need no lookup by id.
  const reversedNodes: SpanNode[] = [];
  const emit = (node: SpanNode, startMs: number, endMs: number): void => {
    if (endMs <= startMs) return;
    const last = reversed[reversed.length - 1];
    if (last && last.spanId === node.span.spanId && last.startMs === endMs) last.startMs = startMs;
    else {
      reversed.push({ spanId: node.span.spanId, startMs, endMs });
      reversedNodes.push(node);
    }
  };

  if (root) {
    const stack: Frame[] = [makeFrame(root, root.span.startMs, root.span.endMs)];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      let picked: Frame['kids'][number] | undefined;
      // The cursor only moves backwards, so a child skipped once (ends after the cursor) never
      // becomes eligible again: one pass over the sorted children suffices.
      while (top.next < top.kids.length) {
        const kid = top.kids[top.next++]!;
        tick();
        if (kid.end <= top.cursor) {
          picked = kid;
          break;
        }
      }
      if (picked) {
        emit(top.node, picked.end, top.cursor);
        top.cursor = picked.start;
        stack.push(makeFrame(picked.node, picked.start, picked.end));
      } else {
        emit(top.node, top.start, top.cursor);
        stack.pop();
      }
    }
  }

  const segments = reversed.reverse();
  const segmentNodes = reversedNodes.reverse();
  const byCategory = zeroByCategory();
  const selfTimeBySpan: Record<string, number> = {};
  const spanIds: string[] = [];
  let totalMs = 0;
  for (let i = 0; i < segments.length; i++) {
    tick();
    const seg = segments[i]!;
    const node = segmentNodes[i]!;
    const ms = seg.endMs - seg.startMs;
    totalMs += ms;
    byCategory[node.span.category] += ms;
    if (selfTimeBySpan[seg.spanId] === undefined) {
      selfTimeBySpan[seg.spanId] = 0;
      spanIds.push(seg.spanId);
    }
    selfTimeBySpan[seg.spanId]! += ms;
  }
  return { segments, spanIds, totalMs, byCategory, selfTimeBySpan };
}
