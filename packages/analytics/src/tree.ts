import { tick } from './ops.ts';
import type { TraceSpan } from './types.ts';

export interface SpanNode {
  span: TraceSpan;
  parent: SpanNode | null;
  /** Sorted by start, then end, then spanId. */
  children: SpanNode[];
  /** 0 for roots. */
  depth: number;
}

export interface SpanTree {
  /** Sorted by start, then end, then spanId. */
  roots: SpanNode[];
  byId: Map<string, SpanNode>;
  /** Span ids that occurred more than once in the input; the first occurrence is kept. */
  duplicateSpanIds: string[];
  /** Spans whose parent link was cut to break a parent cycle (they became roots). */
  cycleBrokenSpanIds: string[];
}

function compareSpans(a: SpanNode, b: SpanNode): number {
  tick();
  return (
    a.span.startMs - b.span.startMs ||
    a.span.endMs - b.span.endMs ||
    (a.span.spanId < b.span.spanId ? -1 : a.span.spanId > b.span.spanId ? 1 : 0)
  );
}

/**
 * Builds the parent/child forest of one trace.
 *
 * Contract (traces are often incomplete or malformed):
 * - a span whose parent is '' , itself, or not in the set is a root;
 * - duplicate span ids keep the first occurrence;
 * - parent cycles (a → b → a) are broken by making the earliest-starting span of the cycle a root;
 * - input order does not matter; the result is deterministic.
 */
export function buildSpanTree(spans: readonly TraceSpan[]): SpanTree {
  const byId = new Map<string, SpanNode>();
  const duplicates = new Set<string>();
  for (const span of spans) {
    tick();
    if (byId.has(span.spanId)) {
      duplicates.add(span.spanId);
      continue;
    }
    byId.set(span.spanId, { span, parent: null, children: [], depth: 0 });
  }

  for (const node of byId.values()) {
    tick();
    const pid = node.span.parentSpanId;
    if (pid === '' || pid === node.span.spanId) continue;
    const parent = byId.get(pid);
    if (parent) node.parent = parent;
  }

  const cycleBroken = breakCycles(byId);

  const roots: SpanNode[] = [];
  for (const node of byId.values()) {
    if (node.parent) node.parent.children.push(node);
    else roots.push(node);
  }
  roots.sort(compareSpans);
  for (const node of byId.values()) if (node.children.length > 1) node.children.sort(compareSpans);

  // Iterative depth assignment: traces can be deep enough to make recursion risky.
  const stack: SpanNode[] = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const child of node.children) {
      tick();
      child.depth = node.depth + 1;
      stack.push(child);
    }
  }

  return { roots, byId, duplicateSpanIds: [...duplicates], cycleBrokenSpanIds: cycleBroken };
}

/** Cuts one parent link per cycle; returns the spans that became roots. */
function breakCycles(byId: Map<string, SpanNode>): string[] {
  // 0 = unvisited, 1 = on the current parent walk, 2 = known to reach a root.
  const state = new Map<SpanNode, 0 | 1 | 2>();
  const broken: string[] = [];
  for (const start of byId.values()) {
    if (state.get(start) === 2) continue;
    const walk: SpanNode[] = [];
    let cur: SpanNode | null = start;
    while (cur && (state.get(cur) ?? 0) === 0) {
      tick();
      state.set(cur, 1);
      walk.push(cur);
      cur = cur.parent;
    }
    if (cur && state.get(cur) === 1) {
      // `cur` is on a cycle: collect it and cut at its earliest-starting member.
      const cycle: SpanNode[] = [cur];
      for (let n = cur.parent; n && n !== cur; n = n.parent) cycle.push(n);
      cycle.sort(compareSpans);
      const cut = cycle[0]!;
      cut.parent = null;
      broken.push(cut.span.spanId);
    }
    for (const n of walk) state.set(n, 2);
  }
  return broken;
}

/** Pre-order (parents before children, siblings by start) over the whole forest. */
export function preorder(tree: SpanTree): SpanNode[] {
  const out: SpanNode[] = [];
  const stack: SpanNode[] = [...tree.roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    tick();
    out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out;
}

/**
 * Depth-first walk over the whole forest in pre-order (the order of `preorder`), calling `enter`
 * before a node's descendants and `exit` after them. An analysis that needs to know what is above
 * a span keeps that state for the current root path (push in `enter`, pop in `exit`): O(1) per
 * span, where walking up from every span costs O(depth) each — quadratic on a deep chain.
 * Iterative, so a 50k-deep chain does not overflow the stack.
 */
export function walk(tree: SpanTree, enter: (node: SpanNode) => void, exit: (node: SpanNode) => void): void {
  // The path from the root and, for each node on it, the index of its next child to visit.
  const path: SpanNode[] = [];
  const nextChild: number[] = [];
  for (const root of tree.roots) {
    tick();
    enter(root);
    path.push(root);
    nextChild.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const child = path[top]!.children[nextChild[top]!++];
      if (child) {
        tick();
        enter(child);
        path.push(child);
        nextChild.push(0);
      } else {
        exit(path.pop()!);
        nextChild.pop();
      }
    }
  }
}

/**
 * The nearest node on the ancestor-or-self chain with category 'agent', or null. O(depth): for
 * every span of a trace, track the agents on the path with `walk` instead.
 */
export function nearestAgent(node: SpanNode, includeSelf = true): SpanNode | null {
  for (let n = includeSelf ? node : node.parent; n; n = n.parent) {
    tick();
    if (n.span.category === 'agent') return n;
  }
  return null;
}

/** Display name of an agent span: the agent attribute, falling back to the span name. */
export function agentName(span: TraceSpan): string {
  return span.agent || span.name;
}

/**
 * The root that represents the trace when there are several (incomplete traces):
 * the longest, then the earliest-starting.
 */
export function primaryRoot(tree: SpanTree): SpanNode | null {
  let best: SpanNode | null = null;
  for (const root of tree.roots) {
    if (!best) {
      best = root;
      continue;
    }
    const d = root.span.endMs - root.span.startMs - (best.span.endMs - best.span.startMs);
    if (d > 0) best = root;
  }
  return best;
}
