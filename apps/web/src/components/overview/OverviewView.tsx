'use client';
import { useOverviewKpis, useOverviewSeries } from '@/lib/api';
import { describeTimeRange } from '@/lib/time-range';
import { OnboardingEmptyState } from '../OnboardingEmptyState';
import { TimeControls } from '../TimeControls';
import { useTimeRange } from '../TimeRangeContext';
import { ErrorBox } from '../ui';
import { KpiRow } from './KpiRow';
import { OverviewCharts } from './OverviewCharts';
import { TopTable } from './TopTable';

export function OverviewView() {
  const { range, fromMs, toMs } = useTimeRange();
  const window = { fromMs, toMs };
  const kpis = useOverviewKpis(window);
  const series = useOverviewSeries(window);
  const empty = kpis.data !== undefined && kpis.data.requests === 0 && kpis.data.unpricedSpans === 0;

  return (
    <>
      <div className="page-header">
        <h1>Overview</h1>
        {kpis.isFetching && !kpis.isPending && <span className="faint">updating…</span>}
        <span className="spacer" />
        <TimeControls />
      </div>
      {kpis.isError ? <ErrorBox error={kpis.error} what="KPIs" /> : <KpiRow kpis={kpis.data} loading={kpis.isPending} range={range} />}
      {empty ? (
        <OnboardingEmptyState windowLabel={describeTimeRange(range)} />
      ) : (
        <>
          <OverviewCharts series={series.data} loading={series.isPending} error={series.isError ? series.error : null} fromMs={fromMs} toMs={toMs} />
          <div className="grid-2">
            <TopTable dimension="model" window={window} range={range} />
            <TopTable dimension="tenant" window={window} range={range} />
            <TopTable dimension="agent" window={window} range={range} />
            <TopTable dimension="requestType" window={window} range={range} />
          </div>
        </>
      )}
    </>
  );
}
