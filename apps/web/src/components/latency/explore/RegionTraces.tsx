'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useZone } from '@/components/TimeZoneContext';
import { ErrorBox, Panel, SkeletonRows } from '@/components/ui';
import { formatCount, formatDuration, formatTimestamp, shortId } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { tracesHref, unlinkedFilters, type Dimension, type Filters } from './state';

export interface Region {
  fromMs: number;
  toMs: number;
  minMs: number;
  maxMs: number;
  /** Spans the heatmap counted in the region. */
  count: number;
}

/** Rows listed (slowest first); the explorer link has them all. */
const REGION_ROWS = 25;

/** The spans of a heatmap region, slowest first, each linking to its trace. */
export function RegionTraces({ region, by, filters, onClose }: { region: Region; by: Dimension | null; filters: Filters; onClose: () => void }) {
  const trpc = useTRPC();
  const { zone, label: zoneText } = useZone();
  const q = useQuery(trpc.latency.region.queryOptions({ from: region.fromMs, to: region.toMs, minMs: region.minMs, maxMs: region.maxMs, limit: REGION_ROWS, ...(by ? { dimension: by } : {}), filter: filters }));
  const unlinked = unlinkedFilters(filters);
  const explorer = tracesHref(filters, { kind: 'absolute', fromMs: region.fromMs, toMs: region.toMs }, { minDurationMs: region.minMs });
  return (
    <Panel
      title={`Traces in ${formatDuration(region.minMs)}–${formatDuration(region.maxMs)}, ${formatTimestamp(region.fromMs, true, zone)}–${formatTimestamp(region.toMs, true, zone)} ${zoneText}`}
      unit={q.data ? `${formatCount(q.data.total)} spans, slowest ${formatCount(q.data.spans.length)} listed` : undefined}
      testId="latency-region"
      flush
      actions={
        <span style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <Link href={explorer} title={unlinked.length ? `The explorer cannot filter by ${unlinked.join(', ')}; this list does` : 'Same window, minimum duration and filters in the explorer'}>Open in explorer (≥ {formatDuration(region.minMs)})</Link>
          <button className="btn btn-ghost" onClick={onClose} aria-label="Close the region">✕</button>
        </span>
      }
    >
      {q.isError ? <ErrorBox error={q.error} what="traces of the region" /> : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr><th>Trace</th><th>Span</th><th>Start ({zoneText})</th><th className="num">Duration</th><th>Status</th><th>Tenant</th><th>Model</th><th>Service</th></tr>
            </thead>
            <tbody>
              {q.isPending ? <SkeletonRows rows={4} cols={8} /> : q.data.spans.length === 0 ? (
                <tr><td colSpan={8} className="empty-cell">No spans in this region</td></tr>
              ) : q.data.spans.map((s) => (
                <tr key={`${s.traceId}:${s.spanId}`} data-testid="latency-region-row">
                  <td className="mono"><Link href={`/traces/${s.traceId}?span=${s.spanId}`}>{shortId(s.traceId)}</Link></td>
                  <td title={s.name}>{s.name}</td>
                  <td className="mono">{formatTimestamp(s.startMs, true, zone)}</td>
                  <td className="num">{formatDuration(s.durationMs)}</td>
                  <td>{s.status === 'error' ? <span className="badge is-error">error</span> : s.status}</td>
                  <td>{s.tenant || <span className="faint">—</span>}</td>
                  <td>{s.model || <span className="faint">—</span>}</td>
                  <td>{s.service}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
