'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTimeRange } from '@/components/TimeRangeContext';
import { ErrorBox, Panel, SkeletonRows } from '@/components/ui';
import { formatCount, formatDuration, formatPercent } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { tracesHref, type Filters } from './state';

const pct = (x: number, n: number) => (n ? formatPercent(x / n) : '—');

/** TTFT / time-per-output-token p95 by model, and the health of each LLM API endpoint. */
export function ModelsPanel({ filters }: { filters: Filters }) {
  const trpc = useTRPC();
  const { range, fromMs, toMs } = useTimeRange();
  const q = useQuery({ ...trpc.latency.models.queryOptions({ from: fromMs, to: toMs, filter: filters }), placeholderData: keepPreviousData });
  if (q.isError) return <ErrorBox error={q.error} what="model speed and dependency health" />;
  const d = q.data;
  return (
    <div>
      <Panel title="Model speed" unit="p95 over model calls; TTFT ≈ merged sketches where rolled up" flush testId="latency-model-speed">
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>Model</th><th className="num">Calls</th><th className="num">Streamed</th><th className="num">TTFT p95</th><th className="num">Time / output token p95</th></tr></thead>
            <tbody>
              {!d ? <SkeletonRows rows={4} cols={5} /> : d.speed.length === 0 ? <tr><td colSpan={5} className="empty-cell">No model calls in this window</td></tr> : d.speed.map((r) => (
                <tr key={r.model}>
                  <td>{r.model || <span className="faint">(no model)</span>}</td>
                  <td className="num"><Link href={tracesHref({ ...filters, model: [r.model] }, range)}>{formatCount(r.calls)}</Link></td>
                  <td className="num">{formatCount(r.streamed)}</td>
                  <td className="num">{formatDuration(r.ttftP95Ms)}</td>
                  <td className="num">{formatDuration(r.tpotP95Ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
      <Panel title="LLM API health" unit="per provider and endpoint (server.address); rates of calls" flush testId="latency-dependencies">
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>Provider</th><th>Endpoint</th><th className="num">Calls</th><th className="num">Errors</th><th className="num" title="Throttled: HTTP 429 / rate limit">429s</th><th className="num">p95</th><th className="num">Truncated</th></tr></thead>
            <tbody>
              {!d ? <SkeletonRows rows={4} cols={7} /> : d.dependencies.length === 0 ? <tr><td colSpan={7} className="empty-cell">No model calls in this window</td></tr> : d.dependencies.map((r) => (
                <tr key={`${r.provider}|${r.endpoint}`} data-testid="latency-dependency-row" data-provider={r.provider}>
                  <td>{r.provider || <span className="faint">(unknown)</span>}</td>
                  <td className="mono">{r.endpoint || <span className="faint">(not reported)</span>}</td>
                  <td className="num">{formatCount(r.calls)}</td>
                  <td className="num" title={`${formatCount(r.errors)} of ${formatCount(r.calls)}`}>{r.errors ? <Link href={tracesHref(filters, range, { status: 'error' })}>{pct(r.errors, r.calls)}</Link> : pct(r.errors, r.calls)}</td>
                  <td className="num" title={`${formatCount(r.throttled)} of ${formatCount(r.calls)}`}>{pct(r.throttled, r.calls)}</td>
                  <td className="num">{formatDuration(r.p95Ms)}</td>
                  <td className="num" title={`${formatCount(r.truncated)} of ${formatCount(r.finished)} with a finish reason`}>{pct(r.truncated, r.finished)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
    </div>
  );
}
