'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useTimeRange } from '@/components/TimeRangeContext';
import { useZone } from '@/components/TimeZoneContext';
import { ErrorBox, Panel, Skeleton } from '@/components/ui';
import { formatAxisTime, formatCount, formatDateTime, formatDuration } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { RegionTraces, type Region } from './RegionTraces';
import type { Dimension, Filters } from './state';

const lower = (b: number, perDecade: number) => 10 ** (b / perDecade);
type Cell = { c: number; r: number };

/**
 * Time × duration heatmap of the page's subject spans (log-spaced duration rows). Drag (or
 * Enter / Shift+arrows on the focused grid) to select a region: its spans are listed below with
 * links to their traces and to the explorer.
 */
export function Heatmap({ by, filters }: { by: Dimension | null; filters: Filters }) {
  const trpc = useTRPC();
  const { fromMs, toMs } = useTimeRange();
  const { zone, label: zoneText } = useZone();
  const q = useQuery({ ...trpc.latency.heatmap.queryOptions({ from: fromMs, to: toMs, ...(by ? { dimension: by } : {}), filter: filters }), placeholderData: keepPreviousData });
  const [drag, setDrag] = useState<{ a: Cell; b: Cell } | null>(null);
  const [cursor, setCursor] = useState<Cell>({ c: 0, r: 0 });
  const [region, setRegion] = useState<Region | null>(null);
  const h = q.data;
  const body = () => {
    if (q.isError) return <ErrorBox error={q.error} what="latency heatmap" />;
    if (!h) return <Skeleton height={200} />;
    if (h.total === 0 || h.minBucket === null || h.maxBucket === null) return <div className="empty-cell">No spans in this window</div>;
    const t0 = Math.floor(h.fromMs / h.intervalMs) * h.intervalMs;
    const cols = Math.max(1, Math.ceil((h.toMs - t0) / h.intervalMs));
    const minB = h.minBucket;
    const rowsN = h.maxBucket - minB + 1;
    const counts = new Map<string, number>();
    let max = 0;
    for (const c of h.cells) {
      const key = `${Math.round((c.t - t0) / h.intervalMs)}:${c.b - minB}`;
      counts.set(key, c.count);
      max = Math.max(max, c.count);
    }
    const W = 1000;
    const H = 220;
    const cw = W / cols;
    const rh = H / rowsN;
    const cellAt = (e: MouseEvent<SVGSVGElement>): Cell => {
      const box = e.currentTarget.getBoundingClientRect();
      const c = Math.min(cols - 1, Math.max(0, Math.floor(((e.clientX - box.left) / box.width) * cols)));
      const r = Math.min(rowsN - 1, Math.max(0, Math.floor(((box.bottom - e.clientY) / box.height) * rowsN)));
      return { c, r };
    };
    const toRegion = (a: Cell, b: Cell): Region => {
      const c0 = Math.min(a.c, b.c);
      const c1 = Math.max(a.c, b.c);
      const r0 = Math.min(a.r, b.r);
      const r1 = Math.max(a.r, b.r);
      let n = 0;
      for (let c = c0; c <= c1; c++) for (let r = r0; r <= r1; r++) n += counts.get(`${c}:${r}`) ?? 0;
      return {
        fromMs: Math.max(h.fromMs, t0 + c0 * h.intervalMs), toMs: Math.min(h.toMs, t0 + (c1 + 1) * h.intervalMs),
        minMs: r0 + minB === minB && minB <= -4 ? 0 : lower(r0 + minB, h.bucketsPerDecade), maxMs: lower(r1 + 1 + minB, h.bucketsPerDecade), count: n,
      };
    };
    const sel = drag ?? (region ? null : null);
    const selRect = (a: Cell, b: Cell) => ({
      x: Math.min(a.c, b.c) * cw, width: (Math.abs(a.c - b.c) + 1) * cw,
      y: H - (Math.max(a.r, b.r) + 1) * rh, height: (Math.abs(a.r - b.r) + 1) * rh,
    });
    const onKey = (e: KeyboardEvent<SVGSVGElement>) => {
      const move: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
      const m = move[e.key];
      if (m) {
        e.preventDefault();
        const next = { c: Math.min(cols - 1, Math.max(0, cursor.c + m[0])), r: Math.min(rowsN - 1, Math.max(0, cursor.r + m[1])) };
        setCursor(next);
        if (e.shiftKey) setDrag({ a: drag?.a ?? cursor, b: next });
        else setDrag(null);
      } else if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        setRegion(toRegion(drag?.a ?? cursor, drag?.b ?? cursor));
        setDrag(null);
      } else if (e.key === 'Escape') {
        setDrag(null);
        setRegion(null);
      }
    };
    // Decade ticks on the duration axis.
    const ticks: number[] = [];
    for (let b = minB; b <= h.maxBucket + 1; b++) if (b % h.bucketsPerDecade === 0) ticks.push(b);
    const xTicks = Array.from({ length: 6 }, (_, i) => h.fromMs + ((h.toMs - h.fromMs) * i) / 5);
    const shown = drag ? selRect(drag.a, drag.b) : region ? {
      x: ((region.fromMs - t0) / h.intervalMs) * cw, width: ((region.toMs - region.fromMs) / h.intervalMs) * cw,
      y: H - (Math.log10(region.maxMs) * h.bucketsPerDecade - minB) * rh,
      height: (Math.log10(region.maxMs) - Math.log10(Math.max(region.minMs, lower(minB, h.bucketsPerDecade)))) * h.bucketsPerDecade * rh,
    } : null;
    return (
      <div className="heatmap">
        <div style={{ display: 'grid', gridTemplateColumns: '52px 1fr', gap: 4 }}>
          <div style={{ position: 'relative', height: H, fontSize: 10 }} className="faint" aria-hidden="true">
            {ticks.map((b) => (
              <span key={b} style={{ position: 'absolute', right: 2, bottom: ((b - minB) / rowsN) * H - 6 }}>{formatDuration(lower(b, h.bucketsPerDecade))}</span>
            ))}
          </div>
          <svg
            viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" width="100%" height={H} role="grid" tabIndex={0} data-testid="latency-heatmap"
            aria-label={`Latency heatmap: ${formatCount(h.total)} spans; arrows move, Shift+arrows extend, Enter lists the traces of the selection`}
            style={{ cursor: 'crosshair', background: 'var(--bg-sunken, transparent)', outlineOffset: 2 }}
            onMouseDown={(e) => { const c = cellAt(e); setDrag({ a: c, b: c }); setCursor(c); }}
            onMouseMove={(e) => { if (drag && e.buttons === 1) setDrag({ a: drag.a, b: cellAt(e) }); }}
            onMouseUp={(e) => { if (drag) { setRegion(toRegion(drag.a, cellAt(e))); setDrag(null); } }}
            onKeyDown={onKey}
          >
            {[...counts].map(([k, n]) => {
              const [c, r] = k.split(':').map(Number) as [number, number];
              const v = Math.log1p(n) / Math.log1p(max);
              return (
                <rect key={k} x={c * cw} y={H - (r + 1) * rh} width={cw + 0.3} height={rh + 0.3} fill="var(--chart-1)" fillOpacity={0.12 + 0.88 * v} data-count={n}>
                  <title>{`${formatDateTime(t0 + c * h.intervalMs, zone)} · ${formatDuration(lower(r + minB, h.bucketsPerDecade))}–${formatDuration(lower(r + minB + 1, h.bucketsPerDecade))}: ${formatCount(n)}`}</title>
                </rect>
              );
            })}
            <rect x={cursor.c * cw} y={H - (cursor.r + 1) * rh} width={cw} height={rh} fill="none" stroke="var(--text-faint)" strokeDasharray="3 2" vectorEffect="non-scaling-stroke" className="heatmap-cursor" />
            {shown && <rect {...shown} fill="var(--chart-4)" fillOpacity={0.15} stroke="var(--chart-4)" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />}
          </svg>
          <span />
          <div style={{ position: 'relative', height: 16, fontSize: 10 }} className="faint" aria-hidden="true">
            {xTicks.map((t, i) => (
              <span key={t} style={{ position: 'absolute', left: `${(i / 5) * 100}%`, transform: i === 0 ? 'none' : i === 5 ? 'translateX(-100%)' : 'translateX(-50%)' }}>{formatAxisTime(t, h.toMs - h.fromMs, zone)}</span>
            ))}
          </div>
        </div>
        <div className="faint" style={{ fontSize: 11, marginTop: 2 }}>time ({zoneText}) × duration (log scale, {h.bucketsPerDecade} rows per decade); darker = more spans (max {formatCount(max)} per cell)</div>
      </div>
    );
  };
  return (
    <>
      <Panel title="Latency heatmap" unit="drag a region (or Enter on the focused grid) to list its traces" testId="latency-heatmap-panel">
        {body()}
      </Panel>
      {region && <RegionTraces region={region} by={by} filters={filters} onClose={() => setRegion(null)} />}
    </>
  );
}
