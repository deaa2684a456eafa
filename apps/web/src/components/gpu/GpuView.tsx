'use client';
import { formatCount, formatPercent, formatUsd } from '@/lib/format';
import { TimeControls } from '../TimeControls';
import { useTimeRange } from '../TimeRangeContext';
import { ErrorBox, KpiTile } from '../ui';
import { IDLE_THRESHOLD } from './format';
import { GpuCharts, GpuTable, UtilizationDistribution } from './GpuFleet';
import { GpuCostPanel, GpuPricesPanel } from './GpuCost';
import { ModelServers, ServerSeries } from './ModelServers';
import { useGpuData } from './useGpuData';
import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';

/**
 * The GPU page: per GPU, host and model server — utilization, memory, power, temperature over
 * time; idle GPUs called out; model servers' throughput, queue and TTFT beside their GPUs; the
 * self-hosted GPU cost split across tenants and the GPU-hour prices it uses.
 */
export function GpuView() {
  const { range, fromMs, toMs } = useTimeRange();
  const trpc = useTRPC();
  const d = useGpuData(fromMs, toMs);
  const cost = useQuery({ ...trpc.gpu.cost.queryOptions({ from: fromMs, to: toMs }), placeholderData: keepPreviousData });
  const gpus = d.gpus.data?.rows ?? [];
  const utils = gpus.map((r) => r.gpu_utilization).filter((u): u is number => typeof u === 'number');
  const idle = utils.filter((u) => u < IDLE_THRESHOLD).length;
  const meanUtil = utils.length ? utils.reduce((a, b) => a + b, 0) / utils.length : null;
  const empty = !d.gpus.isPending && !d.servers.isPending && gpus.length === 0 && (d.servers.data?.rows.length ?? 0) === 0;
  const models = [...new Set(gpus.map((r) => String(r.gpu_model ?? '')).filter(Boolean))];
  return (
    <>
      <div className="page-header">
        <h1>GPUs</h1>
        {d.gpus.isFetching && !d.gpus.isPending && <span className="faint">updating…</span>}
        <span className="spacer" />
        <TimeControls />
      </div>
      {d.gpus.isError ? <ErrorBox error={d.gpus.error} what="GPU metrics" /> : empty ? <GpuEmptyState /> : (
        <>
          <div className="kpis" data-testid="gpu-kpis">
            <KpiTile label="GPUs reporting" value={formatCount(gpus.length)} sub={`${new Set(gpus.map((r) => r.host)).size} hosts`} loading={d.gpus.isPending} testId="gpu-count" />
            <KpiTile label="Mean utilization" value={formatPercent(meanUtil)} sub="mean over GPUs and the window" loading={d.gpus.isPending} />
            <KpiTile label="Idle GPUs" value={formatCount(idle)} sub={`mean utilization under ${IDLE_THRESHOLD * 100} %`} tone={idle > 0 ? 'warn' : undefined} loading={d.gpus.isPending} testId="gpu-idle" />
            <KpiTile label="Self-hosted GPU cost" value={formatUsd(Number(cost.data?.totalUsd ?? 0))} sub={`of which idle ${formatUsd(Number(cost.data?.idleUsd ?? 0))} · USD`} loading={cost.isPending} testId="gpu-cost-kpi" />
          </div>
          <GpuCharts series={d.series} hostUtil={d.hostUtil} fromMs={fromMs} toMs={toMs} />
          <div className="grid-2" style={{ gridTemplateColumns: '2fr 1fr' }}>
            <GpuTable gpus={d.gpus} hourly={d.hourly} fromMs={fromMs} toMs={toMs} />
            <UtilizationDistribution gpus={d.gpus} />
          </div>
          <ModelServers servers={d.servers} hostUtil={d.hostUtil} range={range} />
          <ServerSeries q={d.serverSeries} fromMs={fromMs} toMs={toMs} />
          <div className="grid-2">
            <GpuCostPanel fromMs={fromMs} toMs={toMs} range={range} />
            <GpuPricesPanel models={models} />
          </div>
        </>
      )}
    </>
  );
}

const DCGM = 'PLUMB_SCRAPE_TARGETS=dcgm=http://gpu-node-1:9400/metrics,vllm=http://gpu-node-1:8000/metrics';

function GpuEmptyState() {
  return (
    <section className="panel" data-testid="gpu-empty">
      <div className="panel-body">
        <h2>No GPU metrics in this window</h2>
        <p>Plumb reads GPU utilization, memory, power and temperature from NVIDIA dcgm-exporter (<code>DCGM_FI_*</code>), OTel <code>hw.gpu.*</code>,
          nvidia-smi fields, and model-server metrics from vLLM (<code>vllm:*</code>) and Triton (<code>nv_*</code>). Two ways to send them:</p>
        <ol>
          <li>Let the collector scrape them (Prometheus text, every 15 s by default):<pre className="mono">{DCGM}</pre></li>
          <li>Or point an OpenTelemetry Collector’s OTLP exporter (or the Prometheus receiver’s pipeline) at <code>/v1/metrics</code> on port 4318, or OTLP/gRPC on 4317.</li>
        </ol>
        <p className="faint">Try it without GPUs: <code>npm run demo</code> sends DCGM-like and vLLM-like metrics consistent with its self-hosted model calls.</p>
      </div>
    </section>
  );
}
