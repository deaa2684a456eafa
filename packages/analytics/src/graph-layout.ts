import type { AgentGraph } from './agent-graph.ts';

export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  /** Horizontal gap between nodes of one layer. */
  gapX: number;
  /** Vertical gap between layers. */
  gapY: number;
  margin: number;
}

export interface NodePosition {
  /** Centre of the node box. */
  x: number;
  y: number;
  layer: number;
}

export interface GraphLayout {
  positions: Record<string, NodePosition>;
  /** Node ids per layer, top to bottom, each left to right. */
  layers: string[][];
  width: number;
  height: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { nodeWidth: 160, nodeHeight: 48, gapX: 40, gapY: 72, margin: 24 };

/**
 * Simple top-down layered layout so the UI can draw the agent graph as SVG without a layout library.
 *
 * - Layer = shortest distance from a source along delegation/call edges (handoff edges are ignored
 *   for layering since they run sideways). Sources are nodes with no incoming delegation/call edge;
 *   if a cycle leaves nodes unreached, the first unreached node (graph order) seeds another pass.
 * - Within a layer, nodes start in graph order and are then reordered once, top-down, by the
 *   barycenter of their neighbours in the layer above (one sweep reduces most crossings in the
 *   tree-like graphs traces produce). Nodes with no such neighbour keep their index as barycenter.
 * - Each layer is centred horizontally within the widest one.
 */
export function layoutGraph(graph: AgentGraph, options: Partial<LayoutOptions> = {}): GraphLayout {
  const opt = { ...DEFAULT_LAYOUT, ...options };
  const ids = graph.nodes.map((n) => n.id);
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  const hasIncoming = new Set<string>();
  for (const e of graph.edges) {
    if (e.kind === 'handoff' || !out.has(e.from) || !out.has(e.to) || e.from === e.to) continue;
    out.get(e.from)!.push(e.to);
    hasIncoming.add(e.to);
  }

  const layerOf = new Map<string, number>();
  const bfs = (seeds: string[]): void => {
    const queue = [...seeds];
    for (const s of seeds) layerOf.set(s, 0);
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i]!;
      for (const to of out.get(id)!) {
        if (layerOf.has(to)) continue;
        layerOf.set(to, layerOf.get(id)! + 1);
        queue.push(to);
      }
    }
  };
  bfs(ids.filter((id) => !hasIncoming.has(id)));
  for (const id of ids) if (!layerOf.has(id)) bfs([id]);

  const layers: string[][] = [];
  for (const id of ids) {
    const l = layerOf.get(id)!;
    while (layers.length <= l) layers.push([]);
    layers[l]!.push(id);
  }

  // Undirected adjacency over all edges (handoffs included) for the barycenter pass.
  const neighbours = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of graph.edges) {
    if (!neighbours.has(e.from) || !neighbours.has(e.to)) continue;
    neighbours.get(e.from)!.push(e.to);
    neighbours.get(e.to)!.push(e.from);
  }
  for (let l = 1; l < layers.length; l++) {
    const above = new Map(layers[l - 1]!.map((id, i) => [id, i]));
    const keyed = layers[l]!.map((id, index) => {
      const positions = neighbours.get(id)!.flatMap((nb) => (above.has(nb) ? [above.get(nb)!] : []));
      const bary = positions.length ? positions.reduce((a, b) => a + b, 0) / positions.length : index;
      return { id, bary, index };
    });
    keyed.sort((a, b) => a.bary - b.bary || a.index - b.index);
    layers[l] = keyed.map((k) => k.id);
  }

  const stepX = opt.nodeWidth + opt.gapX;
  const stepY = opt.nodeHeight + opt.gapY;
  // A loop, not Math.max(...layers): spreading one argument per layer overflows the call stack
  // on a deep enough chain of agents.
  let widest = 0;
  for (const layer of layers) widest = Math.max(widest, layer.length);
  const innerWidth = widest > 0 ? widest * opt.nodeWidth + (widest - 1) * opt.gapX : 0;
  const positions: Record<string, NodePosition> = {};
  layers.forEach((layer, l) => {
    const layerWidth = layer.length * opt.nodeWidth + (layer.length - 1) * opt.gapX;
    const left = opt.margin + (innerWidth - layerWidth) / 2;
    layer.forEach((id, i) => {
      positions[id] = { x: left + i * stepX + opt.nodeWidth / 2, y: opt.margin + l * stepY + opt.nodeHeight / 2, layer: l };
    });
  });
  const height = layers.length > 0 ? layers.length * opt.nodeHeight + (layers.length - 1) * opt.gapY : 0;
  return { positions, layers, width: innerWidth + 2 * opt.margin, height: height + 2 * opt.margin };
}
