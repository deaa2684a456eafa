'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { TimeSeriesChart } from '@/components/charts/TimeSeriesChart';
import { useTimeRange } from '@/components/TimeRangeContext';
import { ErrorBox, Panel, Skeleton } from '@/components/ui';
import { formatCount, formatPercent } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import type { Filters } from './state';

const rate = (v: number) => (v >= 100 ? formatCount(v) : v >= 1 ? v.toFixed(1) : v === 0 ? '0' : v.toPrecision(2));

/**
 * Throughput and saturation: requests/s and tokens/s; requests in flight (mean over the bucket
 * from span intervals, and the peak); error, timeout and retry rates.
 */
export function SaturationPanel({ filters }: { filters: Filters }) {
  const trpc = useTRPC();
  const { fromMs, toMs } = useTimeRange();
  const q = useQuery({ ...trpc.latency.saturation.queryOptions({ from: fromMs, to: toMs, filter: filters }), placeholderData: keepPreviousData });
  if (q.isError) return <ErrorBox error={q.error} what="throughput" />;
  const d = q.data;
  const pts = (d?.points ?? []).map((p) => ({
    t: p.t, rps: p.requestsPerSec, tps: p.totalTokensPerSec, otps: p.outputTokensPerSec, avg: p.inFlightAvg, peak: p.inFlightPeak,
    err: p.requests ? p.errors / p.requests : null, timeout: p.requests ? p.timeouts / p.requests : null, retry: p.modelCalls ? p.retries / p.modelCalls : null,
  }));
  const T = d?.totals;
  const chart = (node: React.ReactNode) => (d ? node : <Skeleton height={170} />);
  const span = d ? (d.toMs - d.fromMs) / 1000 : 1;
  return (
    <div className="grid-2" data-testid="latency-saturation">
      <Panel title="Throughput" unit={T ? `${rate(T.requests / span)} req/s · ${rate(T.totalTokens / span)} tokens/s over the window` : 'per second'}>
        {chart(<TimeSeriesChart data={pts} series={[{ key: 'rps', label: 'requests/s', color: 'var(--chart-1)' }]} format={rate} unit="req/s" fromMs={d?.fromMs ?? fromMs} toMs={d?.toMs ?? toMs} height={170} />)}
        {chart(<TimeSeriesChart data={pts} series={[{ key: 'tps', label: 'total tokens/s', color: 'var(--chart-3)' }, { key: 'otps', label: 'output tokens/s', color: 'var(--chart-5)' }]} format={rate} unit="tokens/s" fromMs={d?.fromMs ?? fromMs} toMs={d?.toMs ?? toMs} height={170} />)}
      </Panel>
      <Panel title="Saturation" unit={T ? `peak ${formatCount(T.inFlightPeak)} in flight · errors ${formatPercent(T.requests ? T.errors / T.requests : null)} · timeouts ${formatPercent(T.requests ? T.timeouts / T.requests : null)} · retries ${formatPercent(T.modelCalls ? T.retries / T.modelCalls : null)} of model calls` : undefined}>
        {chart(<TimeSeriesChart data={pts} series={[{ key: 'avg', label: 'mean in flight', color: 'var(--chart-1)', kind: 'area' }, { key: 'peak', label: 'peak in flight', color: 'var(--chart-4)' }]} format={rate} unit="in flight" fromMs={d?.fromMs ?? fromMs} toMs={d?.toMs ?? toMs} height={170} />)}
        {chart(<TimeSeriesChart data={pts} series={[{ key: 'err', label: 'error rate', color: 'var(--chart-2)' }, { key: 'timeout', label: 'timeout rate', color: 'var(--chart-4)' }, { key: 'retry', label: 'retry rate (model calls)', color: 'var(--chart-5)' }]} format={(v) => formatPercent(v)} unit="%" fromMs={d?.fromMs ?? fromMs} toMs={d?.toMs ?? toMs} height={170} />)}
      </Panel>
    </div>
  );
}
