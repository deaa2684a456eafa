'use client';
import { useEffect, useMemo, useRef } from 'react';
import type { CriticalPath, FailureAnalysis } from '@plumb/analytics';
import { formatDuration, formatInteger } from '@/lib/format';
import type { SpanView } from '@/lib/view';
import { timeTicks, type WaterfallModel, type WaterfallRow } from '@/lib/waterfall';
import { CATEGORY_LABEL, categoryColor } from '../ui';
import { ROW_PX, useVirtualRows } from './useVirtualRows';
import s from './Waterfall.module.css';

/** Indentation stops growing past this depth (a 20,000-deep chain would be 280,000 px wide);
 *  deeper rows say their depth instead. */
const MAX_INDENT_DEPTH = 10;

/**
 * Collapsible span tree on a shared time axis. Bars are coloured by category; critical-path
 * segments are drawn as an orange strip under the bar; error spans are outlined red and the
 * failure-origin span carries an "origin" flag. Virtualized: only the rows in and around the
 * viewport are in the DOM (useVirtualRows), so its cost does not grow with the trace.
 */
export function Waterfall({
  model,
  rows,
  onToggle,
  selectedId,
  onSelect,
  criticalPath,
  failure,
  focusCritical,
  onFocusCritical,
}: {
  model: WaterfallModel<SpanView>;
  /** visibleRows(model, collapsed), computed once by the page (it navigates them too). */
  rows: WaterfallRow<SpanView>[];
  onToggle: (spanId: string) => void;
  selectedId: string | null;
  onSelect: (spanId: string) => void;
  criticalPath: CriticalPath;
  failure: FailureAnalysis;
  focusCritical: boolean;
  onFocusCritical: (on: boolean) => void;
}) {
  const total = Math.max(model.endMs - model.startMs, 1e-6);
  const ticks = useMemo(() => timeTicks(total, 6), [total]);
  const pct = (msFromStart: number) => `${Math.min(100, Math.max(0, (msFromStart / total) * 100))}%`;
  const errorIds = useMemo(() => new Set(failure.errorSpanIds), [failure]);
  const recoveredIds = useMemo(() => new Set(failure.recoveredSpanIds), [failure]);
  const criticalIds = useMemo(() => new Set(criticalPath.spanIds), [criticalPath]);
  const segmentsBySpan = useMemo(() => {
    const m = new Map<string, { startMs: number; endMs: number }[]>();
    for (const seg of criticalPath.segments) {
      const list = m.get(seg.spanId) ?? [];
      list.push(seg);
      m.set(seg.spanId, list);
    }
    return m;
  }, [criticalPath]);
  const indexOf = useMemo(() => new Map(rows.map((r, i) => [r.span.spanId, i])), [rows]);
  const categories = useMemo(() => [...new Set(rows.map((r) => r.span.category))], [rows]);

  const body = useRef<HTMLDivElement>(null);
  const { start: first, end: last, reveal } = useVirtualRows(body, rows.length);
  useEffect(() => {
    if (selectedId) reveal(indexOf.get(selectedId) ?? -1);
  }, [selectedId, indexOf, reveal]);

  return (
    <div className={s.root} data-testid="waterfall">
      <div className={s.toolbar}>
        <label style={{ display: 'inline-flex', gap: 4, alignItems: 'center' }}>
          <input type="checkbox" checked={focusCritical} onChange={(e) => onFocusCritical(e.target.checked)} /> Focus critical path
        </label>
        <span className={s.legend}>
          {categories.map((c) => (
            <span className={s.legendItem} key={c}>
              <span className="dot" style={{ background: categoryColor(c) }} /> {CATEGORY_LABEL[c]}
            </span>
          ))}
          <span className={s.legendItem}>
            <span className={s.swatchCritical} /> critical path
          </span>
          <span className={s.legendItem}>
            <span className="error-text">!</span> error
          </span>
          {recoveredIds.size > 0 && (
            <span className={s.legendItem}>
              <span className="warn-text">↻</span> recovered error
            </span>
          )}
        </span>
        <span style={{ flex: 1 }} />
        <span className="faint">
          <span data-testid="waterfall-count">
            {formatInteger(rows.length)} of {formatInteger(model.spansById.size)} spans
          </span>{' '}
          · <kbd>h</kbd>/<kbd>l</kbd> collapse/expand
        </span>
      </div>
      <div className={s.header} aria-hidden="true">
        <div className={s.headerName}>Span</div>
        <div className={s.axis}>
          {ticks.map((t) => (
            <span key={t} className={s.tick} style={{ left: pct(t) }}>
              {formatDuration(t)}
            </span>
          ))}
        </div>
      </div>
      <div className={s.body} ref={body} role="tree" aria-label="Span tree" aria-rowcount={rows.length} style={{ height: rows.length * ROW_PX }}>
        <div style={{ height: first * ROW_PX }} aria-hidden="true" />
        {rows.slice(first, last).map((r) => {
          const span = r.span;
          const start = span.startMs - model.startMs;
          const dur = Math.max(0, span.endMs - span.startMs);
          const isError = errorIds.has(span.spanId) || span.status === 'error';
          const isOrigin = failure.originSpanId === span.spanId;
          const dim = focusCritical && !criticalIds.has(span.spanId);
          const leftPct = (start / total) * 100;
          // The duration goes left of a bar that reaches the right edge, unless the bar starts near
          // the left edge too (it would cover the name column): then in the track's right margin.
          const labelRight = leftPct + (dur / total) * 100 > 85 && leftPct > 15;
          return (
            <div
              key={span.spanId}
              data-span-id={span.spanId}
              role="treeitem"
              aria-level={r.depth + 1}
              aria-selected={selectedId === span.spanId}
              aria-expanded={r.childCount > 0 ? !r.collapsed : undefined}
              className={`${s.row} ${selectedId === span.spanId ? s.selected : ''}`}
              onClick={() => onSelect(span.spanId)}
              title={`${span.name} — ${formatDuration(dur)}${isError ? ` — error${span.statusMessage ? `: ${span.statusMessage}` : ''}` : ''}`}
            >
              <div className={s.name} style={{ paddingLeft: 4 + Math.min(r.depth, MAX_INDENT_DEPTH) * 14 }}>
                {r.depth > MAX_INDENT_DEPTH && (
                  <span className={s.hidden} title={`Nesting depth ${formatInteger(r.depth)}`}>
                    L{formatInteger(r.depth)}
                  </span>
                )}
                {r.childCount > 0 ? (
                  <button
                    type="button"
                    className={s.caret}
                    aria-label={r.collapsed ? `Expand ${span.name}` : `Collapse ${span.name}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      onToggle(span.spanId);
                    }}
                  >
                    {r.collapsed ? '▶' : '▼'}
                  </button>
                ) : (
                  <span className={s.caretSpacer} />
                )}
                <span className="dot" style={{ background: categoryColor(span.category) }} title={CATEGORY_LABEL[span.category]} />
                <span className={s.label}>{span.name}</span>
                {isError &&
                  (recoveredIds.has(span.spanId) ? (
                    <span className={s.errorMark} style={{ color: 'var(--warn)' }} aria-label="recovered error" title="Recovered: retried with success or handled above; not the cause">
                      ↻
                    </span>
                  ) : (
                    <span className={s.errorMark} aria-label="error">
                      !
                    </span>
                  ))}
                {isOrigin && <span className={s.origin} data-testid="origin-flag">origin</span>}
                {r.collapsed && <span className={s.hidden}>+{r.hiddenCount}</span>}
                <span className={s.service}>{span.service}</span>
              </div>
              <div className={s.track}>
                {ticks.map((t) => (
                  <span key={t} className={s.gridline} style={{ left: pct(t) }} />
                ))}
                <span
                  className={`${s.bar} ${isError ? s.error : ''} ${dim ? s.dim : ''}`}
                  style={{ left: pct(start), width: pct(dur), background: categoryColor(span.category) }}
                />
                {(segmentsBySpan.get(span.spanId) ?? []).map((seg) => (
                  <span
                    key={seg.startMs}
                    className={s.critical}
                    data-testid="critical-segment"
                    style={{ left: pct(seg.startMs - model.startMs), width: pct(seg.endMs - seg.startMs) }}
                  />
                ))}
                <span
                  className={s.duration}
                  style={labelRight ? { right: `calc(${100 - leftPct}% + 4px)` } : { left: `calc(${pct(start + dur)} + 2px)` }}
                >
                  {formatDuration(dur)}
                </span>
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
