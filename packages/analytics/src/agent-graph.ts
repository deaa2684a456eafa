import { agentName, buildSpanTree, preorder, walk, type SpanNode, type SpanTree } from './tree.ts';
import { tick } from './ops.ts';
import { durationMs, type TraceSpan } from './types.ts';

export type GraphNodeKind = 'agent' | 'llm' | 'tool' | 'retrieval' | 'root';
export type GraphEdgeKind = 'delegation' | 'call' | 'handoff';

export interface GraphNode {
  /** Opaque, stable for the same trace; do not parse. */
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** Number of calls: spans folded into this node, minus spans nested in a span of the same node. */
  calls: number;
  /** Σ call durations (parallel calls overlap, so this can exceed wall-clock time). */
  totalMs: number;
  /** Calls with status 'error'. */
  errorCount: number;
  /** Token and cost sums over usageCounted spans only (no double counting of wrappers); an
   *  agent node adds what its direct calls (LLM, tool, retrieval — not sub-agents) spent. */
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  spanIds: string[];
}

export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  kind: GraphEdgeKind;
  /** Number of calls (delegation/call) or span pairs (handoff) behind the edge. */
  count: number;
}

export interface AgentGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const ROOT_NODE_ID = 'root';

/** Matches tool names that hand control to another agent ("transfer_to_writer", "handoff"). */
const HANDOFF_TOOL = /handoff|hand_off|transfer/i;

/**
 * Folds a trace into an agent graph for the trace view.
 *
 * Nodes: one per agent name (category 'agent', keyed by `agent` or the span name); LLM calls by
 * model, tools by tool name and retrievals by span name — each grouped under its owning agent (the
 * nearest ancestor agent), so the same tool used by two agents gives two nodes. 'chain'/'other'
 * spans are transparent. A 'root' node (the trace's non-agent root spans) is added only when some
 * non-root span has no ancestor agent; root spans themselves get no incoming edge.
 *
 * Edges, each from the owner (nearest ancestor agent, or root):
 * - 'delegation' owner → agent (self-loops of recursive agents are dropped);
 * - 'call' owner → llm / tool / retrieval;
 * - 'handoff' between the nodes of two spans when (a) one span links to the other within the same
 *   trace, or (b) two sibling agent spans run one after the other (the second starts at or after the
 *   first ends) and the first one's last direct child is a tool whose name looks like a handoff
 *   (handoff/transfer) — the handoff goes to the earliest such following sibling.
 */
export function agentGraph(spans: readonly TraceSpan[], tree: SpanTree = buildSpanTree(spans)): AgentGraph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const nodeOfSpan = new Map<SpanNode, string>();

  const touchNode = (id: string, kind: GraphNodeKind, label: string): GraphNode => {
    let node = nodes.get(id);
    if (!node) {
      node = { id, kind, label, calls: 0, totalMs: 0, errorCount: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, spanIds: [] };
      nodes.set(id, node);
    }
    return node;
  };
  const addEdge = (from: string, to: string, kind: GraphEdgeKind): void => {
    if (from === to) return;
    const id = `${kind}:${from}->${to}`;
    const edge = edges.get(id);
    if (edge) edge.count++;
    else edges.set(id, { id, from, to, kind, count: 1 });
  };

  const ordered = preorder(tree);
  // Reserve the root node first so it leads the node list when it is needed.
  const rootNode: GraphNode = { id: ROOT_NODE_ID, kind: 'root', label: '', calls: 0, totalMs: 0, errorCount: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, spanIds: [] };
  nodes.set(ROOT_NODE_ID, rootNode);
  let rootNeeded = false;

  // State of the current root path (see `walk`): its agent spans, and for each graph node id the
  // depth of the deepest span on the path folded into that node (with the value it replaced, to
  // restore on the way back up: enters and exits nest like a stack).
  const agentsOnPath: SpanNode[] = [];
  const deepestById = new Map<string, number>();
  const replaced: number[] = [];
  const visit = (n: SpanNode): void => {
    const span = n.span;
    if (span.category === 'chain' || span.category === 'other') {
      if (!n.parent) addSpan(rootNode, span, true);
      return;
    }
    const owner = agentsOnPath[agentsOnPath.length - 1] ?? null;
    // The owner was visited first (preorder): its node id is already known.
    const ownerId = owner ? nodeOfSpan.get(owner)! : ROOT_NODE_ID;
    // A root span is the top of its own picture: it hangs from nothing.
    const hasOwner = owner !== null || n.parent !== null;
    if (!owner && n.parent) rootNeeded = true;
    let node: GraphNode;
    if (span.category === 'agent') {
      node = touchNode(agentNodeId(span), 'agent', agentName(span));
    } else {
      const label = span.category === 'llm' ? span.model || span.name : span.category === 'tool' ? span.tool || span.name : span.name;
      node = touchNode(`${span.category}:${ownerId}/${label}`, span.category, label);
    }
    // A span inside a span of the same node below the same owner (an LLM client span around its
    // HTTP span, a retry wrapper) is part of that call: it adds its id and usage, nothing else.
    // (Nested = a span of this node on the path below the owner.)
    const deepest = deepestById.get(node.id) ?? -1;
    const nested = deepest > (owner ? owner.depth : -1);
    if (!nested && hasOwner) addEdge(ownerId, node.id, span.category === 'agent' ? 'delegation' : 'call');
    addSpan(node, span, !nested);
    // An agent node also carries what its own calls spent (not its sub-agents'), so the graph
    // shows cost per agent like the rollup does.
    if (span.category !== 'agent' && span.usageCounted && owner) addUsage(nodes.get(ownerId)!, span);
    nodeOfSpan.set(n, node.id);
    replaced.push(deepest);
    deepestById.set(node.id, n.depth);
    if (span.category === 'agent') agentsOnPath.push(n);
  };
  walk(
    tree,
    visit,
    (n) => {
      const id = nodeOfSpan.get(n);
      if (id === undefined) return;
      deepestById.set(id, replaced.pop()!);
      if (n.span.category === 'agent') agentsOnPath.pop();
    },
  );

  if (rootNeeded) {
    rootNode.label = tree.roots.find((r) => !nodeOfSpan.has(r))?.span.name ?? 'root';
  } else {
    nodes.delete(ROOT_NODE_ID);
  }

  for (const [from, to] of handoffPairs(tree.byId, ordered)) {
    const fromId = nodeOfSpan.get(from);
    const toId = nodeOfSpan.get(to);
    if (fromId && toId) addEdge(fromId, toId, 'handoff');
  }

  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

function agentNodeId(span: TraceSpan): string {
  return `agent:${agentName(span)}`;
}

/** Folds a span into a node; only a new call (not a nested span) adds to calls, time and errors. */
function addSpan(node: GraphNode, span: TraceSpan, isCall: boolean): void {
  if (isCall) {
    node.calls++;
    node.totalMs += durationMs(span);
    if (span.status === 'error') node.errorCount++;
  }
  if (span.usageCounted) addUsage(node, span);
  node.spanIds.push(span.spanId);
}

function addUsage(node: GraphNode, span: TraceSpan): void {
  node.inputTokens += span.inputTokens;
  node.outputTokens += span.outputTokens;
  node.costUsd += span.costUsd;
}

/** Distinct (from, to) span pairs that hand off control; see agentGraph for the two rules. */
function handoffPairs(byId: Map<string, SpanNode>, ordered: SpanNode[]): [SpanNode, SpanNode][] {
  const seen = new Set<string>();
  const pairs: [SpanNode, SpanNode][] = [];
  const add = (from: SpanNode, to: SpanNode): void => {
    const key = `${from.span.spanId}\u0000${to.span.spanId}`;
    if (from === to || seen.has(key)) return;
    seen.add(key);
    pairs.push([from, to]);
  };

  for (const n of ordered) {
    for (const link of n.span.links) {
      if (link.traceId && link.traceId !== n.span.traceId) continue;
      const target = byId.get(link.spanId);
      if (target) add(target, n);
    }
  }

  for (const parent of ordered) {
    tick(parent.children.length);
    const agents = parent.children.filter((c) => c.span.category === 'agent');
    for (const first of agents) {
      const last = first.children[first.children.length - 1];
      if (!last || last.span.category !== 'tool' || !HANDOFF_TOOL.test(last.span.tool || last.span.name)) continue;
      const next = firstStartingAtOrAfter(agents, first);
      if (next) add(first, next);
    }
  }
  return pairs;
}

/**
 * The earliest sibling other than `first` that starts at or after `first` ends. Siblings are
 * sorted by start, so a binary search finds the first one starting late enough; when that is
 * `first` itself (a zero-length span), the next one starts no earlier and qualifies too.
 */
function firstStartingAtOrAfter(siblings: readonly SpanNode[], first: SpanNode): SpanNode | undefined {
  const end = first.span.endMs;
  let lo = 0;
  let hi = siblings.length;
  while (lo < hi) {
    tick();
    const mid = (lo + hi) >>> 1;
    if (siblings[mid]!.span.startMs >= end) hi = mid;
    else lo = mid + 1;
  }
  return siblings[lo] === first ? siblings[lo + 1] : siblings[lo];
}
