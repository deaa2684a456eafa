'use client';
import type { GraphEdge, GraphLayout } from '@plumb/analytics';
import { formatCost, formatDuration, formatTokens } from '@/lib/format';
import { GRAPH_LAYOUT, type GraphNodeView, type TraceView } from '@/lib/view';
import { CATEGORY_LABEL, categoryColor } from '../ui';

const W = GRAPH_LAYOUT.nodeWidth;
const H = GRAPH_LAYOUT.nodeHeight;

const EDGE_STYLE: Record<GraphEdge['kind'], { dash?: string; color: string }> = {
  delegation: { color: 'var(--cat-agent)' },
  call: { color: 'var(--text-faint)' },
  handoff: { dash: '5 4', color: 'var(--critical)' },
};

/**
 * The agent graph as SVG at the positions layoutGraph computed: agents, LLM calls, tools and
 * retrievals with their calls, time, tokens and cost; edges labelled delegation / call / handoff.
 * Clicking a node selects its first span.
 */
export function AgentGraphView({
  graph,
  layout,
  selectedSpanId,
  onSelectSpan,
}: {
  graph: TraceView['graph'];
  layout: GraphLayout;
  selectedSpanId: string | null;
  onSelectSpan: (spanId: string) => void;
}) {
  if (graph.nodes.length === 0) return <div className="empty">No agents, LLM calls or tools in this trace.</div>;
  const pos = layout.positions;

  return (
    <div style={{ overflow: 'auto', padding: 8 }} data-testid="agent-graph">
      <svg
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="img"
        aria-label="Agent graph"
        // Shrinks to the panel width, but not below 85% (text must stay readable); then scrolls.
        style={{ display: 'block', margin: '0 auto', width: '100%', maxWidth: layout.width, minWidth: layout.width * 0.85, height: 'auto', fontFamily: 'var(--font)' }}
      >
        <defs>
          {Object.entries(EDGE_STYLE).map(([kind, st]) => (
            <marker key={kind} id={`arrow-${kind}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" fill={st.color} />
            </marker>
          ))}
        </defs>
        {graph.edges.map((e) => {
          const a = pos[e.from];
          const b = pos[e.to];
          if (!a || !b) return null;
          return <Edge key={e.id} edge={e} a={a} b={b} />;
        })}
        {graph.nodes.map((n) => {
          const p = pos[n.id];
          if (!p) return null;
          return <Node key={n.id} node={n} x={p.x - W / 2} y={p.y - H / 2} selected={selectedSpanId !== null && n.spanIds.includes(selectedSpanId)} onSelect={onSelectSpan} />;
        })}
      </svg>
      <div className="legend" style={{ justifyContent: 'center' }}>
        {(['delegation', 'call', 'handoff'] as const).map((k) => (
          <span className="item" key={k}>
            <svg width="22" height="6" aria-hidden="true">
              <line x1="0" y1="3" x2="22" y2="3" stroke={EDGE_STYLE[k].color} strokeWidth="2" strokeDasharray={EDGE_STYLE[k].dash} />
            </svg>
            {k}
          </span>
        ))}
      </div>
    </div>
  );
}

function Edge({ edge, a, b }: { edge: GraphEdge; a: { x: number; y: number }; b: { x: number; y: number } }) {
  const st = EDGE_STYLE[edge.kind];
  let d: string;
  let lx: number;
  let ly: number;
  if (edge.kind === 'handoff' && Math.abs(a.y - b.y) < H) {
    // Same layer: arc over the top between the two boxes' sides.
    const dir = b.x > a.x ? 1 : -1;
    const x1 = a.x + (dir * W) / 2;
    const x2 = b.x - (dir * W) / 2;
    const y = a.y - H / 4;
    d = `M${x1},${y} C${x1 + dir * 30},${y - 40} ${x2 - dir * 30},${y - 40} ${x2},${y}`;
    lx = (x1 + x2) / 2;
    ly = y - 32;
  } else {
    const down = b.y > a.y;
    const y1 = a.y + ((down ? 1 : -1) * H) / 2;
    const y2 = b.y - ((down ? 1 : -1) * H) / 2;
    const my = (y1 + y2) / 2;
    d = `M${a.x},${y1} C${a.x},${my} ${b.x},${my} ${b.x},${y2}`;
    lx = (a.x + b.x) / 2;
    ly = my;
  }
  const text = edge.count > 1 ? `${edge.kind} ×${edge.count}` : edge.kind;
  return (
    <g>
      <path d={d} fill="none" stroke={st.color} strokeWidth={edge.kind === 'call' ? 1.2 : 1.8} strokeDasharray={st.dash} markerEnd={`url(#arrow-${edge.kind})`} />
      <text x={lx} y={ly} textAnchor="middle" dominantBaseline="middle" fontSize="10" fill="var(--text-muted)" stroke="var(--bg-panel)" strokeWidth="3" paintOrder="stroke">
        {text}
      </text>
    </g>
  );
}

function Node({ node, x, y, selected, onSelect }: { node: GraphNodeView; x: number; y: number; selected: boolean; onSelect: (spanId: string) => void }) {
  const color = categoryColor(node.kind === 'root' ? 'root' : node.kind);
  const first = node.spanIds[0];
  const label = node.label || CATEGORY_LABEL[node.kind];
  // Room left of the kind tag, in characters of 12px text (≈7px each).
  const room = Math.floor((W - 26 - CATEGORY_LABEL[node.kind].length * 7) / 7.5);
  const clipped = label.length > room ? `${label.slice(0, room - 1)}…` : label;
  const tokens = node.inputTokens + node.outputTokens;
  return (
    <g
      transform={`translate(${x},${y})`}
      style={{ cursor: first ? 'pointer' : 'default' }}
      onClick={() => first && onSelect(first)}
      role="button"
      tabIndex={0}
      aria-label={`${CATEGORY_LABEL[node.kind]} ${label}: ${node.calls} calls`}
      onKeyDown={(e) => {
        if ((e.key === 'Enter' || e.key === ' ') && first) {
          e.preventDefault();
          onSelect(first);
        }
      }}
    >
      <title>{`${CATEGORY_LABEL[node.kind]} ${label}\n${node.calls} calls · ${formatDuration(node.totalMs)} total\n${formatTokens(node.inputTokens)} in / ${formatTokens(node.outputTokens)} out · ${formatCost(node.cost)}${node.errorCount ? `\n${node.errorCount} errors` : ''}`}</title>
      <rect width={W} height={H} rx="5" fill="var(--bg-panel)" stroke={selected ? 'var(--accent)' : node.errorCount > 0 ? 'var(--error)' : 'var(--border-strong)'} strokeWidth={selected ? 2 : 1.2} />
      <rect width="4" height={H} rx="2" fill={color} />
      <text x="12" y="17" fontSize="12" fontWeight="600" fill="var(--text)">
        {clipped}
      </text>
      <text x={W - 8} y="17" fontSize="9" textAnchor="end" fill={color} fontWeight="700" letterSpacing="0.04em">
        {CATEGORY_LABEL[node.kind].toUpperCase()}
      </text>
      <text x="12" y="35" fontSize="11" fill="var(--text-muted)">
        {node.calls} call{node.calls === 1 ? '' : 's'} · {formatDuration(node.totalMs)}
        {node.errorCount > 0 && <tspan fill="var(--error)" fontWeight="700">{` · ${node.errorCount} err`}</tspan>}
      </text>
      <text x="12" y="52" fontSize="11" fill="var(--text-muted)">
        {tokens > 0 || node.cost.usd > 0 || node.cost.unpriced > 0 ? (
          <>
            {`${formatTokens(tokens)} tok · `}
            <tspan fill={node.cost.unpriced > 0 ? 'var(--warn)' : undefined}>{formatCost(node.cost)}</tspan>
          </>
        ) : (
          '—'
        )}
      </text>
    </g>
  );
}
