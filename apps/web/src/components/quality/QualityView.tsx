'use client';
import '../drift/drift.css';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { TimeControls } from '@/components/TimeControls';
import { useTimeRange } from '@/components/TimeRangeContext';
import { ErrorBox, Panel, SkeletonRows } from '@/components/ui';
import { formatCount, formatPercent, formatTokens } from '@/lib/format';
import { explorerHref } from '@/lib/trace-filters';
import { useTRPC } from '@/lib/trpc';
import { useUrlParams } from '@/lib/url-state';
import { CompareTable } from './CompareTable';
import { LabelsPanel } from './LabelsPanel';
import { FinishRateChart, ScoresTable } from './QualityMeasures';

const VERSIONS = [
  { key: 'model', label: 'Served model' },
  { key: 'service_version', label: 'Service version' },
  { key: 'prompt_version', label: 'Prompt version' },
] as const;
type VersionKey = (typeof VERSIONS)[number]['key'];

const FINISH = [
  { key: 'stop', label: 'stop', color: 'var(--chart-3)' },
  { key: 'tool_calls', label: 'tool calls', color: 'var(--chart-1)' },
  { key: 'length', label: 'length', color: 'var(--chart-4)' },
  { key: 'content_filter', label: 'content filter', color: 'var(--chart-2)' },
  { key: 'other', label: 'other', color: 'var(--chart-5)' },
] as const;

type Rate = { x: number; n: number; p: number | null; lo: number | null; hi: number | null };
function RateCell({ r, href }: { r: Rate; href?: string }) {
  if (r.n === 0) return <td className="num faint">—</td>;
  const title = `${formatCount(r.x)} of ${formatCount(r.n)} · 95% CI ${formatPercent(r.lo)}–${formatPercent(r.hi)}`;
  const text = formatPercent(r.p);
  return (
    <td className="num" title={title}>
      {href && r.x > 0 ? <Link href={href}>{text}</Link> : text}
    </td>
  );
}

/** The Quality page: per model version × request type, and a canary-vs-stable comparison. */
export function QualityView() {
  const trpc = useTRPC();
  const { range, fromMs, toMs } = useTimeRange();
  const { params, update } = useUrlParams();
  const version = (VERSIONS.some((v) => v.key === params.get('version')) ? params.get('version') : 'model') as VersionKey;
  const a = params.get('a') ?? undefined;
  const b = params.get('b') ?? undefined;
  const q = useQuery({
    ...trpc.quality.get.queryOptions({ from: fromMs, to: toMs, version, ...(a && b ? { a, b } : {}) }),
    placeholderData: keepPreviousData,
  });
  const rows = q.data?.rows ?? [];
  const versions = [...new Set(rows.map((r) => r.version))].sort();
  const scoreNames = [...new Set(rows.flatMap((r) => r.scores.map((s) => s.name)))].filter((n) => n !== 'feedback').sort().slice(0, 3);
  const hrefFor = (r: { version: string; requestType: string }, extra: { status?: 'error' } = {}) =>
    explorerHref({ ...(version === 'model' ? { model: r.version } : {}), ...(r.requestType ? { requestType: r.requestType } : {}), ...extra }, range);
  const cols = 11 + scoreNames.length;
  // The semantic-layer panels group by the span's own version: prompt versions are not a
  // dimension of spans or scores, so that tab shows them by served model.
  const measureDim = version === 'service_version' ? 'service_version' : 'response_model';
  return (
    <>
      <div className="page-header">
        <h1>Quality</h1>
        {q.isFetching && !q.isPending && <span className="faint">updating…</span>}
        <span className="spacer" />
        <TimeControls />
      </div>
      <div className="tabs" role="tablist" aria-label="Version" style={{ marginBottom: 8 }}>
        {VERSIONS.map((v) => (
          <button key={v.key} role="tab" aria-selected={v.key === version} onClick={() => update((p) => { p.set('version', v.key); p.delete('a'); p.delete('b'); })}>
            {v.label}
          </button>
        ))}
      </div>
      {q.isError ? (
        <ErrorBox error={q.error} what="quality" />
      ) : (
        <Panel title="Per version and request type" unit="rates of calls or requests; hover for counts and 95% CI" flush testId="quality-table">
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>{VERSIONS.find((v) => v.key === version)!.label}</th>
                  <th>Request type</th>
                  <th className="num">Requests</th>
                  <th className="num">Error rate</th>
                  <th style={{ width: 130 }}>Finish reasons</th>
                  <th className="num">Truncated</th>
                  <th className="num">Refusals</th>
                  <th className="num">Tool failures</th>
                  <th className="num">Retries</th>
                  <th className="num">Output, tokens p50 / p95</th>
                  <th className="num">Feedback rate</th>
                  {scoreNames.map((n) => <th key={n} className="num">Score {n}, mean</th>)}
                </tr>
              </thead>
              <tbody>
                {q.isPending ? (
                  <SkeletonRows rows={4} cols={cols} />
                ) : rows.length === 0 ? (
                  <tr>
                    <td colSpan={cols} className="empty-cell">No requests with a {VERSIONS.find((v) => v.key === version)!.label.toLowerCase()} in this window</td>
                  </tr>
                ) : (
                  rows.map((r) => {
                    const total = Object.values(r.finish).reduce((x, y) => x + y, 0);
                    return (
                      <tr key={`${r.version}\u0000${r.requestType}`} data-testid="quality-row" data-version={r.version}>
                        <td title={r.version}><Link href={hrefFor(r)}>{r.version}</Link></td>
                        <td>{r.requestType || <span className="faint">(none)</span>}</td>
                        <td className="num"><Link href={hrefFor(r)}>{formatCount(r.requests)}</Link></td>
                        <RateCell r={r.errorRate} href={hrefFor(r, { status: 'error' })} />
                        <td title={FINISH.map((f) => `${f.label}: ${formatCount(r.finish[f.key])}`).join(' · ')}>
                          <div className="stackbar" aria-label="finish reasons">
                            {total > 0 && FINISH.map((f) => (r.finish[f.key] > 0 ? <span key={f.key} style={{ width: `${(r.finish[f.key] / total) * 100}%`, background: f.color }} /> : null))}
                          </div>
                        </td>
                        <RateCell r={r.truncationRate} />
                        <RateCell r={r.refusalRate} />
                        <RateCell r={r.toolFailureRate} />
                        <RateCell r={r.retryRate} />
                        <td className="num">{r.outputTokens.p50 === null ? '—' : `${formatTokens(r.outputTokens.p50)} / ${formatTokens(r.outputTokens.p95)}`}</td>
                        <RateCell r={r.feedbackRate} />
                        {scoreNames.map((n) => {
                          const s = r.scores.find((x) => x.name === n);
                          return <td key={n} className="num" title={s ? `${formatCount(s.n)} scores` : undefined}>{s?.mean != null ? s.mean.toFixed(3) : '—'}</td>;
                        })}
                      </tr>
                    );
                  })
                )}
              </tbody>
            </table>
          </div>
          <div className="legend" style={{ padding: '0 10px 8px' }}>
            {FINISH.map((f) => (
              <span className="item" key={f.key}><span className="dot" style={{ background: f.color }} />{f.label}</span>
            ))}
          </div>
        </Panel>
      )}
      <div className="grid-2">
        <FinishRateChart dim={measureDim} fromMs={fromMs} toMs={toMs} />
        <ScoresTable dim={measureDim} fromMs={fromMs} toMs={toMs} range={range} />
      </div>
      <Panel
        title="Compare two versions"
        unit="b against a, two-sided tests"
        testId="quality-compare"
        actions={
          <span style={{ display: 'flex', gap: 6 }}>
            <select className="select" aria-label="Version a (stable)" value={a ?? ''} onChange={(e) => update((p) => (e.target.value ? p.set('a', e.target.value) : p.delete('a')))}>
              <option value="">a: stable…</option>
              {versions.map((v) => <option key={v} value={v}>{v}</option>)}
            </select>
            <select className="select" aria-label="Version b (canary)" value={b ?? ''} onChange={(e) => update((p) => (e.target.value ? p.set('b', e.target.value) : p.delete('b')))}>
              <option value="">b: canary…</option>
              {versions.map((v) => <option key={v} value={v}>{v}</option>)}
            </select>
          </span>
        }
      >
        {q.data?.comparison ? (
          <CompareTable c={q.data.comparison} />
        ) : (
          <div className="empty">{a && b ? (q.isFetching ? 'Comparing…' : 'One of the two versions has no requests in this window.') : 'Pick two versions to compare them metric by metric, with a significance test each.'}</div>
        )}
      </Panel>
      <LabelsPanel fromMs={fromMs} toMs={toMs} />
    </>
  );
}
