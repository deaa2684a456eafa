'use client';
import Link from 'next/link';
import { useMemo, useRef, useState } from 'react';
import { useTrace } from '@/lib/api';
import { useExplorerReturnUrl } from '@/lib/explorer-return';
import { useHotkeys } from '@/lib/hotkeys';
import { useUrlParams } from '@/lib/url-state';
import { ancestorsOf, buildWaterfall, visibleRows } from '@/lib/waterfall';
import type { TraceView as Trace } from '@/lib/view';
import { ErrorBox, Panel, Skeleton } from '../ui';
import { AgentGraphView } from './AgentGraphView';
import { AgentRollupTable } from './AgentRollupTable';
import { CriticalPathSummary } from './CriticalPathSummary';
import { FailureBanner } from './FailureBanner';
import { SpanDetailPanel } from './SpanDetailPanel';
import { TraceHeader } from './TraceHeader';
import { Waterfall } from './Waterfall';

const TABS = [
  { id: 'waterfall', label: 'Waterfall' },
  { id: 'graph', label: 'Agent graph' },
  { id: 'critical', label: 'Critical path' },
  { id: 'agents', label: 'Agents' },
] as const;
type TabId = (typeof TABS)[number]['id'];

/** The trace page: `?span=<id>` selects a span (shareable), `?tab=` picks the view. */
export function TraceView({ traceId }: { traceId: string }) {
  const q = useTrace(traceId);
  if (q.isPending) return <TraceSkeleton />;
  if (q.isError && q.error.data?.code !== 'NOT_FOUND') return <ErrorBox error={q.error} what={`trace ${traceId}`} />;
  if (!q.data)
    return (
      <div className="panel empty" data-testid="trace-not-found">
        <p>
          Trace <code>{traceId}</code> was not found. It may be outside the retention window, or its spans may not have arrived yet.
        </p>
        <Link href="/traces">Back to the trace explorer</Link>
      </div>
    );
  return <LoadedTrace trace={q.data} />;
}

function LoadedTrace({ trace }: { trace: Trace }) {
  const { params, update } = useUrlParams();
  const tabParam = params.get('tab');
  const tab: TabId = TABS.some((t) => t.id === tabParam) ? (tabParam as TabId) : 'waterfall';
  const model = useMemo(() => buildWaterfall(trace.spans), [trace.spans]);
  const requested = params.get('span');
  const selectedId = requested && model.spansById.has(requested) ? requested : null;
  // The selection as of the last select(), before the URL change has re-rendered the page: keys
  // pressed in quick succession (j j j, key repeat) each move from the previous one's target.
  const latest = useRef(selectedId);
  latest.current = selectedId;
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [focusCritical, setFocusCritical] = useState(false);

  const setTab = (id: TabId) => update((p) => (id === 'waterfall' ? p.delete('tab') : p.set('tab', id)));
  /** Selects a span; with `toWaterfall`, also switches tabs — in ONE url update, since two
   *  updates in a row would both start from the old query string and the second would win. */
  const select = (spanId: string | null, toWaterfall = false) => {
    latest.current = spanId;
    if (spanId) {
      // Reveal the span if a collapsed ancestor hides it.
      const hidden = ancestorsOf(model, spanId).filter((a) => collapsed.has(a));
      if (hidden.length > 0) setCollapsed((c) => new Set([...c].filter((x) => !hidden.includes(x))));
    }
    update((p) => {
      if (spanId) p.set('span', spanId);
      else p.delete('span');
      if (toWaterfall) p.delete('tab');
    });
  };
  const toggle = (spanId: string, open?: boolean) =>
    setCollapsed((c) => {
      const next = new Set(c);
      const isCollapsed = next.has(spanId);
      if (open === true || (open === undefined && isCollapsed)) next.delete(spanId);
      else next.add(spanId);
      return next;
    });

  const rows = useMemo(() => visibleRows(model, collapsed), [model, collapsed]);
  const rowIndex = useMemo(() => new Map(rows.map((r, i) => [r.span.spanId, i])), [rows]);
  const move = (delta: number) => {
    if (rows.length === 0) return;
    const current = latest.current;
    const i = current ? (rowIndex.get(current) ?? -1) : -1;
    const next = rows[Math.min(rows.length - 1, Math.max(0, i < 0 ? 0 : i + delta))];
    if (next) select(next.span.spanId);
  };
  const collapseOrParent = () => {
    if (!selectedId) return;
    const row = rows[rowIndex.get(selectedId) ?? -1];
    if (row && row.childCount > 0 && !row.collapsed) toggle(selectedId, false);
    else {
      const parent = model.parentOf.get(selectedId);
      if (parent) select(parent);
    }
  };

  useHotkeys({
    j: () => move(1),
    k: () => move(-1),
    ArrowDown: (e) => (e.preventDefault(), move(1)),
    ArrowUp: (e) => (e.preventDefault(), move(-1)),
    h: collapseOrParent,
    ArrowLeft: collapseOrParent,
    l: () => selectedId && toggle(selectedId, true),
    ArrowRight: () => selectedId && toggle(selectedId, true),
    Escape: () => select(null),
    // e: the failure origin (else the first error); Shift+E: the next link up the failure chain.
    e: () => {
      const target = trace.failure.originSpanId ?? trace.failure.errorSpanIds[0];
      if (target) select(target, true);
    },
    E: () => {
      const chain = trace.failure.path;
      const at = latest.current ? chain.indexOf(latest.current) : -1;
      const target = chain[at + 1] ?? chain[0];
      if (target) select(target, true);
    },
    '1': () => setTab('waterfall'),
    '2': () => setTab('graph'),
    '3': () => setTab('critical'),
    '4': () => setTab('agents'),
  });

  const selected = selectedId ? model.spansById.get(selectedId) : undefined;
  const backUrl = useExplorerReturnUrl();

  return (
    <>
      <nav className="muted" aria-label="Breadcrumb" style={{ marginBottom: -4 }}>
        <Link href={backUrl}>← Traces</Link>
        <span className="faint"> / {trace.traceId}</span>
      </nav>
      <TraceHeader trace={trace} />
      <FailureBanner failure={trace.failure} onJump={(id) => select(id, true)} />
      <div className="split">
        <section className="panel" style={{ minWidth: 0 }}>
          <div className="tabs" role="tablist" aria-label="Trace views">
            {TABS.map((t, i) => (
              <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)} title={`${t.label} (${i + 1})`}>
                {t.label}
                {t.id === 'agents' && trace.rollup.length > 0 ? <span className="faint"> {trace.rollup.length}</span> : null}
              </button>
            ))}
          </div>
          <div role="tabpanel">
            {tab === 'waterfall' && (
              <Waterfall
                model={model}
                rows={rows}
                onToggle={(id) => toggle(id)}
                selectedId={selectedId}
                onSelect={select}
                criticalPath={trace.criticalPath}
                failure={trace.failure}
                focusCritical={focusCritical}
                onFocusCritical={setFocusCritical}
              />
            )}
            {tab === 'graph' && <AgentGraphView graph={trace.graph} layout={trace.layout} selectedSpanId={selectedId} onSelectSpan={select} />}
            {tab === 'critical' && (
              <div className="panel-body">
                <CriticalPathSummary path={trace.criticalPath} spansById={model.spansById} onSelectSpan={(id) => select(id, true)} />
              </div>
            )}
            {tab === 'agents' && <AgentRollupTable rows={trace.rollup} />}
          </div>
        </section>
        {selected ? (
          <SpanDetailPanel
            key={selected.spanId}
            base={selected}
            traceStartMs={model.startMs}
            isOrigin={trace.failure.originSpanId === selected.spanId}
            criticalMs={trace.criticalPath.selfTimeBySpan[selected.spanId]}
            onSelectSpan={select}
            onClose={() => select(null)}
          />
        ) : (
          <div className="sticky-side" style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
            <Panel title="Critical path" unit="time by category">
              <CriticalPathSummary path={trace.criticalPath} spansById={model.spansById} onSelectSpan={select} compact />
            </Panel>
            <p className="faint" style={{ margin: 0 }}>
              Select a span (click, or <kbd>j</kbd>/<kbd>k</kbd>) to see its attributes, prompts, completions and cost.
            </p>
          </div>
        )}
      </div>
    </>
  );
}

function TraceSkeleton() {
  return (
    <div style={{ display: 'grid', gap: 12 }} aria-busy="true" aria-label="Loading trace">
      <div className="panel" style={{ padding: 12, display: 'grid', gap: 8 }}>
        <Skeleton width="30%" height={18} />
        <Skeleton width="80%" height={28} />
      </div>
      <div className="panel" style={{ padding: 12, display: 'grid', gap: 6 }}>
        {Array.from({ length: 12 }, (_, i) => (
          <Skeleton key={i} height={16} width={`${95 - i * 4}%`} style={{ marginLeft: `${i * 2}%` }} />
        ))}
      </div>
    </div>
  );
}
