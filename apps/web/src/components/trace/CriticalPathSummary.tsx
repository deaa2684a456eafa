'use client';
import { CATEGORIES, type CriticalPath } from '@plumb/analytics';
import { useMemo } from 'react';
import { formatDuration, formatPercent } from '@/lib/format';
import type { SpanView } from '@/lib/view';
import { CATEGORY_LABEL, categoryColor } from '../ui';

/** Where the trace's wall-clock time went along the critical path: per category, then per span. */
export function CriticalPathSummary({
  path,
  spansById,
  onSelectSpan,
  compact,
}: {
  path: CriticalPath;
  spansById: Map<string, SpanView>;
  onSelectSpan: (spanId: string) => void;
  compact?: boolean;
}) {
  const total = path.totalMs;
  // On a 20,000-span chain this ranks 20,000 entries: once per trace, not on every selection.
  const bySpan = useMemo(
    () =>
      Object.entries(path.selfTimeBySpan)
        .sort((a, b) => b[1] - a[1])
        .slice(0, compact ? 5 : 20),
    [path, compact],
  );
  if (!(total > 0)) return <div className="empty">No critical path (the trace has no complete root span).</div>;
  const cats = CATEGORIES.filter((c) => path.byCategory[c] > 0).sort((a, b) => path.byCategory[b] - path.byCategory[a]);

  return (
    <div data-testid="critical-path">
      <div className="stackbar" role="img" aria-label="Critical path time by category">
        {cats.map((c) => (
          <span key={c} style={{ width: `${(path.byCategory[c] / total) * 100}%`, background: categoryColor(c) }} title={`${CATEGORY_LABEL[c]}: ${formatDuration(path.byCategory[c])}`} />
        ))}
      </div>
      <div className="legend">
        {cats.map((c) => (
          <span className="item" key={c}>
            <span className="dot" style={{ background: categoryColor(c) }} />
            {CATEGORY_LABEL[c]} <b className="num">{formatDuration(path.byCategory[c])}</b>
            <span className="faint">{formatPercent(path.byCategory[c] / total)}</span>
          </span>
        ))}
      </div>
      <div className="section-title" style={{ marginTop: 12 }}>
        Spans on the critical path, by time they hold it (total <span className="num">{formatDuration(total)}</span>)
      </div>
      <table className="table">
        <thead>
          <tr>
            <th>Span</th>
            {!compact && <th>Category</th>}
            <th className="num">On path</th>
            <th className="num">Share</th>
          </tr>
        </thead>
        <tbody>
          {bySpan.map(([id, ms]) => {
            const span = spansById.get(id);
            return (
              <tr key={id} className="is-clickable" onClick={() => onSelectSpan(id)}>
                <td title={span?.name} style={compact ? { maxWidth: 220 } : undefined}>
                  {compact && span && <span className="dot" style={{ background: categoryColor(span.category), marginRight: 6 }} />}
                  {span?.name ?? id}
                </td>
                {!compact && (
                  <td>
                    {span && (
                      <>
                        <span className="dot" style={{ background: categoryColor(span.category) }} /> {CATEGORY_LABEL[span.category]}
                      </>
                    )}
                  </td>
                )}
                <td className="num">{formatDuration(ms)}</td>
                <td className="num bar-cell">
                  <span className="bar" style={{ width: `${(ms / total) * 100}%`, background: 'var(--critical)' }} />
                  <span style={{ position: 'relative' }}>{formatPercent(ms / total)}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
