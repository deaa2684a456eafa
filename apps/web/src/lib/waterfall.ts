import { buildSpanTree, type SpanNode, type SpanTree, type TraceSpan } from '@plumb/analytics';

/** One visible row of the waterfall. */
export interface WaterfallRow<S extends TraceSpan = TraceSpan> {
  span: S;
  depth: number;
  /** Number of direct children. */
  childCount: number;
  /** Number of descendants hidden because this row is collapsed (0 when expanded). */
  hiddenCount: number;
  collapsed: boolean;
}

export interface WaterfallModel<S extends TraceSpan = TraceSpan> {
  tree: SpanTree;
  /** Earliest start and latest end over all spans: the time axis. */
  startMs: number;
  endMs: number;
  /** Parent span id by span id ('' for roots), for keyboard navigation. */
  parentOf: Map<string, string>;
  spansById: Map<string, S>;
}

export function buildWaterfall<S extends TraceSpan>(spans: readonly S[]): WaterfallModel<S> {
  const tree = buildSpanTree(spans);
  let startMs = Infinity;
  let endMs = -Infinity;
  const parentOf = new Map<string, string>();
  const spansById = new Map<string, S>();
  for (const node of tree.byId.values()) {
    startMs = Math.min(startMs, node.span.startMs);
    endMs = Math.max(endMs, node.span.endMs, node.span.startMs);
    parentOf.set(node.span.spanId, node.parent?.span.spanId ?? '');
    spansById.set(node.span.spanId, node.span as S);
  }
  if (!Number.isFinite(startMs)) startMs = endMs = 0;
  return { tree, startMs, endMs, parentOf, spansById };
}

function countDescendants(node: SpanNode): number {
  let n = 0;
  const stack = [...node.children];
  while (stack.length > 0) {
    const c = stack.pop()!;
    n++;
    stack.push(...c.children);
  }
  return n;
}

/** Visible rows in pre-order, skipping the subtrees of collapsed spans. */
export function visibleRows<S extends TraceSpan>(model: WaterfallModel<S>, collapsed: ReadonlySet<string>): WaterfallRow<S>[] {
  const rows: WaterfallRow<S>[] = [];
  const stack: SpanNode[] = [...model.tree.roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    const isCollapsed = collapsed.has(node.span.spanId) && node.children.length > 0;
    rows.push({
      span: node.span as S,
      depth: node.depth,
      childCount: node.children.length,
      hiddenCount: isCollapsed ? countDescendants(node) : 0,
      collapsed: isCollapsed,
    });
    if (!isCollapsed) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return rows;
}

/** Ancestors of a span (nearest first), so a selected span can be revealed by expanding them. */
export function ancestorsOf(model: WaterfallModel, spanId: string): string[] {
  const out: string[] = [];
  for (let p = model.parentOf.get(spanId); p; p = model.parentOf.get(p)) out.push(p);
  return out;
}

/** "Nice" axis ticks (1/2/5 × 10^n ms) for a span of `totalMs`, about `target` of them. */
export function timeTicks(totalMs: number, target = 6): number[] {
  if (!(totalMs > 0)) return [0];
  const raw = totalMs / target;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const ticks: number[] = [];
  for (let t = 0; t <= totalMs + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}
