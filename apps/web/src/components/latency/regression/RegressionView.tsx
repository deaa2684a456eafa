'use client';
import './regression.css';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTimeRange } from '@/components/TimeRangeContext';
import { useZone } from '@/components/TimeZoneContext';
import { ErrorBox, KpiTile } from '@/components/ui';
import { formatCount, formatDateTime, formatDuration, formatPercent } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { useUrlParams } from '@/lib/url-state';
import { AttributionPanel } from './AttributionPanel';
import { ExemplarsPanel } from './ExemplarsPanel';
import { StageComparison } from './StageComparison';
import { DIMENSION_LABEL, tracesHref } from './stages';
import { PRESETS, regressionInput } from './windows';

/**
 * The p95 regression view (/latency/regression, issue 10 item 3): confirm the change (p95 with a
 * bootstrap CI), find the segments (mix vs within per dimension, over-representation among slow
 * requests), the stage where the time went, and exemplar traces of the worst segment.
 */
export function RegressionView() {
  const trpc = useTRPC();
  const { zone } = useZone();
  // The app's request-scoped "now" (same on server and client), so the default windows agree.
  const { toMs: nowMs } = useTimeRange();
  const { params, update } = useUrlParams();
  const { input, preset } = regressionInput(params, nowMs);
  const q = useQuery({ ...trpc.latencyRegression.analyze.queryOptions(input), placeholderData: keepPreviousData });
  const markers = useQuery(trpc.latencyRegression.markers.queryOptions({ to: nowMs }));
  const d = q.data;
  const deployAt = params.get('deployAt');
  const selectValue = deployAt ? `deploy:${deployAt}` : preset ? `preset:${preset}` : 'custom';
  const onSelect = (v: string) =>
    update((p) => {
      for (const k of ['compare', 'deployAt', 'window', 'from', 'to', 'baselineFrom', 'baselineTo']) p.delete(k);
      if (v.startsWith('preset:')) p.set('compare', v.slice(7));
      else if (v.startsWith('deploy:')) p.set('deployAt', v.slice(7));
    }, { push: true });
  const span = (w: { fromMs: number; toMs: number }) => `${formatDateTime(w.fromMs, zone)} – ${formatDateTime(w.toMs, zone)}`;
  const slowLabel = d && Number.isFinite(d.thresholdMs) ? `> ${formatDuration(d.thresholdMs)}` : '—';
  const ci = d?.p95.ci;
  const ciText = ci ? `95% CI ${signed(ci[0])} … ${signed(ci[1])}` : 'no CI: a window has no requests';
  const significant = ci ? ci[0] > 0 || ci[1] < 0 : false;
  return (
    <>
      <div className="page-header">
        <h1>Latency regression</h1>
        {q.isFetching && !q.isPending && <span className="faint">updating…</span>}
        <span className="spacer" />
        <label className="faint" htmlFor="regression-windows">Compare</label>
        <select id="regression-windows" className="select" value={selectValue} onChange={(e) => onSelect(e.target.value)} data-testid="regression-windows">
          {PRESETS.map((p) => <option key={p.key} value={`preset:${p.key}`}>{p.label}</option>)}
          {selectValue === 'custom' && <option value="custom">Custom windows (from the URL)</option>}
          {deployAt && !markers.data?.some((m) => String(m.firstSeenMs) === deployAt) && <option value={`deploy:${deployAt}`}>Before / after {formatDateTime(Number(deployAt), zone)}</option>}
          {(markers.data ?? []).length > 0 && (
            <optgroup label="Deploy markers (first request of a new version)">
              {markers.data!.map((m) => (
                <option key={`${m.dimension}:${m.value}`} value={`deploy:${m.firstSeenMs}`}>
                  {DIMENSION_LABEL[m.dimension]} {m.value} · {formatDateTime(m.firstSeenMs, zone)}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </div>
      {d && (
        <p className="faint regression-windows" data-testid="regression-window-text">
          Baseline {span(d.baseline)} · comparison {span(d.comparison)} · slow requests: {slowLabel} (the baseline p95)
        </p>
      )}
      {q.isError ? (
        <ErrorBox error={q.error} what="the regression analysis" />
      ) : (
        <>
          <div className="kpis" data-testid="regression-kpis">
            <KpiTile label="p95, baseline" loading={q.isPending} value={formatDuration(d?.p95.baseline)} sub={`${formatCount(d?.p95.baselineCount)} requests`}
              href={d ? tracesHref(d.baseline, {}, d.thresholdMs) : undefined} title="Open the baseline's slow requests" />
            <KpiTile label="p95, comparison" loading={q.isPending} value={formatDuration(d?.p95.comparison)} sub={`${formatCount(d?.p95.comparisonCount)} requests`}
              href={d ? tracesHref(d.comparison, {}, d.thresholdMs) : undefined} title="Open the comparison's slow requests" />
            <KpiTile label="p95 change" loading={q.isPending} value={d ? signed(d.p95.change) : '—'} sub={ciText} tone={significant && (d?.p95.change ?? 0) > 0 ? 'bad' : undefined} testId="regression-p95-change" />
            <KpiTile label={`Slow requests (${slowLabel})`} loading={q.isPending}
              value={d ? `${formatPercent(d.attribution.baselineSlowRate)} → ${formatPercent(d.attribution.comparisonSlowRate)}` : '—'}
              sub={d ? `${d.attribution.change >= 0 ? '+' : ''}${(d.attribution.change * 100).toFixed(1)} points` : undefined}
              href={d ? tracesHref(d.comparison, {}, d.thresholdMs) : undefined} />
          </div>
          {d && d.p95.comparisonCount === 0 ? (
            <div className="empty">No request stage rows in the comparison window. Stage rows are computed by the worker within a minute of a request; pick another window.</div>
          ) : d && d.p95.baselineCount === 0 ? (
            // Without a baseline every segment and stage would read as "new": nothing to attribute.
            <div className="empty" data-testid="regression-empty-baseline">
              No requests in the baseline window ({span(d.baseline)}), so there is nothing to compare against. Pick another comparison above: the previous hour, the
              same hour a day earlier, or a deploy marker.
            </div>
          ) : (
            <>
              <AttributionPanel loading={q.isPending} data={d} />
              <div className="grid-2">
                <StageComparison loading={q.isPending} data={d} />
                <ExemplarsPanel loading={q.isPending} data={d} />
              </div>
            </>
          )}
        </>
      )}
    </>
  );
}

export function signed(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return `${ms >= 0 ? '+' : '−'}${formatDuration(Math.abs(ms))}`;
}
