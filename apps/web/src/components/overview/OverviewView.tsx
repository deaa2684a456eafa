'use client';
import { useOverview } from '@/lib/api';
import { describeTimeRange } from '@/lib/time-range';
import { globalFilterParams, LIST_FILTERS, parseGlobalFilters, type GlobalFilters } from '@/lib/trace-filters';
import { useUrlParams } from '@/lib/url-state';
import { OnboardingEmptyState } from '../OnboardingEmptyState';
import { TimeControls } from '../TimeControls';
import { useTimeRange } from '../TimeRangeContext';
import { ErrorBox } from '../ui';
import { KpiRow } from './KpiRow';
import { OverviewCharts } from './OverviewCharts';
import { OverviewFilters } from './OverviewFilters';
import { TopTable } from './TopTable';

/**
 * The overview page: one procedure call (overview.get) feeds the KPIs, the charts and the four
 * tables, all under the global filters kept in the URL (service, environment, tenant,
 * requestType — the explorer's keys, so every link carries them as they are).
 */
export function OverviewView() {
  const { range, fromMs, toMs } = useTimeRange();
  const { params, update } = useUrlParams();
  const filters = parseGlobalFilters(params);
  const filtered = globalFilterParams(filters).length > 0;
  const q = useOverview({ fromMs, toMs }, filters);
  const o = q.data;
  // Onboarding is for a project with no data at all, not for filters that match nothing.
  const empty = !filtered && o !== undefined && o.kpis.requests === 0 && o.kpis.cost.unpriced === 0;
  const setFilters = (next: GlobalFilters) =>
    update((p) => {
      for (const k of LIST_FILTERS) p.delete(k);
      for (const [k, v] of globalFilterParams(next)) p.append(k, v);
    }, { push: true });
  const loading = q.isPending;

  return (
    <>
      <div className="page-header">
        <h1>Overview</h1>
        {q.isFetching && !q.isPending && <span className="faint">updating…</span>}
        <span className="spacer" />
        <TimeControls />
      </div>
      <OverviewFilters filters={filters} onChange={setFilters} window={{ fromMs, toMs }} />
      {q.isError ? <ErrorBox error={q.error} what="the overview" /> : <KpiRow kpis={o?.kpis} loading={loading} range={range} filters={filters} />}
      {empty ? (
        <OnboardingEmptyState windowLabel={describeTimeRange(range)} />
      ) : (
        <>
          <OverviewCharts series={o?.series} loading={loading} error={q.isError ? q.error : null} fromMs={fromMs} toMs={toMs} filters={filters} />
          <div className="grid-2">
            {(['model', 'tenant', 'agent', 'requestType'] as const).map((d) => (
              <TopTable key={d} dimension={d} rows={o?.top[d]} leftOut={o?.topLeftOut[d]} loading={loading} error={q.isError ? q.error : null} range={range} base={filters} />
            ))}
          </div>
        </>
      )}
    </>
  );
}
