'use client';
import Link from 'next/link';
import { useZone } from '@/components/TimeZoneContext';
import { Panel, SkeletonRows } from '@/components/ui';
import { formatDateTime, formatDuration, shortId } from '@/lib/format';
import type { RegressionData } from './AttributionPanel';
import { DIMENSION_LABEL, STAGE_META } from './stages';

/** The slowest comparison-window requests of the worst segment, each linking to its trace view. */
export function ExemplarsPanel({ data, loading }: { data: RegressionData | undefined; loading: boolean }) {
  const { zone } = useZone();
  const w = data?.worst;
  const title = w ? <>Exemplars: {DIMENSION_LABEL[w.dimension] ?? w.dimension} = <span className="mono">{w.value || '(none)'}</span></> : 'Exemplars';
  return (
    <Panel title={title} unit="slowest requests of the worst segment; stage bars on the critical path" flush testId="regression-exemplars">
      <table className="table compact">
        <thead>
          <tr>
            <th>Trace</th>
            <th>Start</th>
            <th className="num">Duration</th>
            <th style={{ width: 160 }}>Stages</th>
          </tr>
        </thead>
        <tbody>
          {loading ? (
            <SkeletonRows rows={5} cols={4} />
          ) : !data || data.exemplars.length === 0 ? (
            <tr><td colSpan={4} className="empty-cell">{w ? 'No requests of that segment in the comparison window' : 'No segment got slower: nothing to exemplify'}</td></tr>
          ) : (
            data.exemplars.map((e) => (
              <tr key={e.traceId} data-testid="regression-exemplar">
                <td className="mono"><Link href={`/traces/${e.traceId}`}>{shortId(e.traceId)}</Link></td>
                <td>{formatDateTime(Date.parse(e.startTime), zone)}</td>
                <td className="num">{formatDuration(e.durationMs)}</td>
                <td>
                  <div className="stackbar" title={STAGE_META.map((m) => `${m.label}: ${formatDuration(e.stages[m.key])}`).join(' · ')}>
                    {e.durationMs > 0 && STAGE_META.map((m) => (e.stages[m.key] > 0 ? <span key={m.key} style={{ width: `${(e.stages[m.key] / e.durationMs) * 100}%`, background: m.color }} /> : null))}
                  </div>
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <div className="legend" style={{ padding: '6px 10px 8px' }}>
        {STAGE_META.map((m) => <span className="item" key={m.key}><span className="dot" style={{ background: m.color }} />{m.label}</span>)}
      </div>
    </Panel>
  );
}
