'use client';
import { useOverview } from '@/lib/api';
import { describeTimeRange } from '@/lib/time-range';
import { OnboardingEmptyState } from '../OnboardingEmptyState';
import { TimeControls } from '../TimeControls';
import { useTimeRange } from '../TimeRangeContext';
import { ErrorBox } from '../ui';
import { KpiRow } from './KpiRow';
import { OverviewCharts } from './OverviewCharts';
import { TopTable } from './TopTable';

/** The overview page: one procedure call (overview.get) feeds the KPIs, the charts and the four tables. */
export function OverviewView() {
  const { range, fromMs, toMs } = useTimeRange();
  const q = useOverview({ fromMs, toMs });
  const o = q.data;
  const empty = o !== undefined && o.kpis.requests === 0 && o.kpis.cost.unpriced === 0;
  const loading = q.isPending;

  return (
    <>
      <div className="page-header">
        <h1>Overview</h1>
        {q.isFetching && !q.isPending && <span className="faint">updating…</span>}
        <span className="spacer" />
        <TimeControls />
      </div>
      {q.isError ? <ErrorBox error={q.error} what="the overview" /> : <KpiRow kpis={o?.kpis} loading={loading} range={range} />}
      {empty ? (
        <OnboardingEmptyState windowLabel={describeTimeRange(range)} />
      ) : (
        <>
          <OverviewCharts series={o?.series} loading={loading} error={q.isError ? q.error : null} fromMs={fromMs} toMs={toMs} />
          <div className="grid-2">
            {(['model', 'tenant', 'agent', 'requestType'] as const).map((d) => (
              <TopTable key={d} dimension={d} rows={o?.top[d]} leftOut={o?.topLeftOut[d]} loading={loading} error={q.isError ? q.error : null} range={range} />
            ))}
          </div>
        </>
      )}
    </>
  );
}
