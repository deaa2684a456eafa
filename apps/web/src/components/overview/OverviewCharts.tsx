'use client';
import { useRouter } from 'next/navigation';
import { durationAxis, formatCost, formatCount, formatDuration, formatTokens, formatUsd } from '@/lib/format';
import { explorerHref, type GlobalFilters } from '@/lib/trace-filters';
import type { OverviewView } from '@/lib/view';
import { TimeSeriesChart } from '../charts/TimeSeriesChart';
import { ErrorBox, Panel, Skeleton } from '../ui';

function bucketLabel(stepMs: number): string {
  if (stepMs >= 86_400_000) return `${Math.round(stepMs / 86_400_000)}d`;
  if (stepMs >= 3_600_000) return `${Math.round(stepMs / 3_600_000)}h`;
  if (stepMs >= 60_000) return `${Math.round(stepMs / 60_000)}m`;
  return `${Math.round(stepMs / 1000)}s`;
}

/**
 * The four overview charts. Clicking a bucket opens the explorer on that bucket's window.
 */
export function OverviewCharts({
  series,
  loading,
  error,
  fromMs,
  toMs,
  filters = {},
}: {
  series: OverviewView['series'] | undefined;
  loading: boolean;
  error: unknown;
  fromMs: number;
  toMs: number;
  /** The overview's global filters: a bucket opens the explorer on the same set of traces. */
  filters?: GlobalFilters;
}) {
  const router = useRouter();
  const step = series?.stepMs ?? 60_000;
  const per = `per ${bucketLabel(step)}`;
  const data = series?.points ?? [];
  const onSelectTime = (t: number) => router.push(explorerHref(filters, { kind: 'absolute', fromMs: t, toMs: t + step }));
  const common = { data, fromMs, toMs, onSelectTime };
  // One unit for the whole latency axis, from the data's largest value: label and ticks agree.
  const latency = durationAxis(Math.max(0, ...data.flatMap((p) => [p.p50LatencyMs, p.p95LatencyMs, p.p99LatencyMs]).filter((v): v is number => typeof v === 'number')));

  const body = (chart: React.ReactNode) =>
    error ? <ErrorBox error={error} what="time series" /> : loading && !series ? <Skeleton height={190} /> : chart;

  return (
    <div className="grid-2">
      <Panel title="Requests & errors" unit={`traces ${per}`} testId="chart-requests">
        {body(
          <TimeSeriesChart
            {...common}
            unit="traces"
            format={formatCount}
            series={[
              { key: 'requests', label: 'Requests', color: 'var(--chart-1)', kind: 'area' },
              { key: 'errors', label: 'Errors', color: 'var(--chart-2)', kind: 'bar' },
            ]}
          />,
        )}
      </Panel>
      <Panel title="Latency percentiles" unit={`trace duration, ${latency.unit}`} testId="chart-latency">
        {body(
          <TimeSeriesChart
            {...common}
            unit={latency.unit}
            format={latency.tick}
            formatTooltip={(v) => formatDuration(v)}
            series={[
              { key: 'p50LatencyMs', label: 'p50', color: 'var(--chart-3)' },
              { key: 'p95LatencyMs', label: 'p95', color: 'var(--chart-4)' },
              { key: 'p99LatencyMs', label: 'p99', color: 'var(--chart-2)' },
            ]}
          />,
        )}
      </Panel>
      <Panel title="Tokens" unit={`tokens ${per}`} testId="chart-tokens">
        {body(
          <TimeSeriesChart
            {...common}
            unit="tokens"
            format={formatTokens}
            series={[
              { key: 'inputTokens', label: 'Input', color: 'var(--chart-1)', kind: 'area', stack: 'tok' },
              { key: 'outputTokens', label: 'Output', color: 'var(--chart-5)', kind: 'area', stack: 'tok' },
            ]}
          />,
        )}
      </Panel>
      <Panel title="Cost" unit={`USD ${per}`} testId="chart-cost">
        {body(
          <TimeSeriesChart
            {...common}
            unit="USD"
            format={formatUsd}
            // A bucket with unpriced calls says so: its bar is only the priced part.
            formatTooltip={(usd, row) => formatCost({ usd, unpriced: Number(row.unpricedSpans ?? 0) })}
            series={[{ key: 'costUsd', label: 'Cost', color: 'var(--chart-3)', kind: 'bar' }]}
          />,
        )}
      </Panel>
    </div>
  );
}
