'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { TimeSeriesChart } from '@/components/charts/TimeSeriesChart';
import { ErrorBox, Panel, Skeleton } from '@/components/ui';
import { formatCount, formatDateTime } from '@/lib/format';
import { explorerHref } from '@/lib/trace-filters';
import { useTRPC } from '@/lib/trpc';
import { useZone } from '../TimeZoneContext';
import { BinTable } from './BinTable';
import { describeFeature, describeScore, featureUnit, formatP, METHOD_LABEL, severityBadge } from './format';

/** One monitor: verdict, per-bin contributions (moved bins highlighted), score history, help. */
export function MonitorDetail({ id, canEdit }: { id: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const { zone } = useZone();
  const qc = useQueryClient();
  const q = useQuery(trpc.drift.get.queryOptions({ id }));
  const evaluate = useMutation(trpc.drift.evaluate.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.drift.pathKey() }) }));
  const remove = useMutation(trpc.drift.delete.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.drift.pathKey() }) }));
  if (q.isError) return <ErrorBox error={q.error} what="the monitor" />;
  const d = q.data;
  if (!d) {
    return (
      <Panel title="Monitor">
        <Skeleton height={120} />
      </Panel>
    );
  }
  const r = d.latest?.result ?? null;
  const badge = severityBadge(r?.severity);
  const unit = featureUnit(d.monitor);
  const model = d.monitor.filters.model?.length === 1 ? d.monitor.filters.model[0] : undefined;
  const range = d.latest ? { kind: 'absolute' as const, fromMs: d.latest.currentFromMs, toMs: d.latest.currentToMs } : undefined;
  const tracesHref = explorerHref(model ? { model } : {}, range);
  const history = d.history.map((h) => ({ t: h.currentToMs, score: h.score, psi: h.psi }));
  const fromMs = history[0]?.t ?? Date.now() - 86_400_000;
  const toMs = Math.max(fromMs + 3_600_000, history[history.length - 1]?.t ?? Date.now());
  return (
    <div data-testid="drift-detail">
      <Panel
        title={
          <>
            {d.monitor.name} <span className={badge.cls} data-testid="drift-verdict">{badge.text}</span>
          </>
        }
        actions={
          canEdit ? (
            <>
              <button className="btn" onClick={() => evaluate.mutate({ id })} disabled={evaluate.isPending} data-testid="drift-evaluate">
                {evaluate.isPending ? 'Evaluating…' : 'Evaluate now'}
              </button>
              <button className="btn btn-ghost" onClick={() => { if (window.confirm(`Delete monitor ${d.monitor.name}?`)) remove.mutate({ id }); }}>
                Delete
              </button>
            </>
          ) : undefined
        }
      >
        <div className="drift-facts">
          <div>Feature: {describeFeature(d.monitor)}</div>
          <div>
            Slice: {Object.entries(d.monitor.filters).map(([k, v]) => `${k} = ${(v ?? []).join(' | ')}`).join(', ') || 'all'}
          </div>
          <div>
            Reference: {d.monitor.reference.kind === 'frozen' ? `${formatDateTime(d.monitor.reference.fromMs, zone)} – ${formatDateTime(d.monitor.reference.toMs, zone)} (frozen)` : `previous ${d.monitor.reference.days} days`}
            {' · '}current window {Math.round(d.monitor.currentMs / 3_600_000)} h · method {d.monitor.method === 'auto' ? 'auto' : METHOD_LABEL[d.monitor.method]}
          </div>
          {evaluate.isError && <ErrorBox error={evaluate.error} what="the evaluation" action="run" />}
          {evaluate.data && evaluate.data.evaluation === null && <div className="muted">The reference window has no values yet: nothing to compare.</div>}
          {r ? (
            <>
              <div data-testid="drift-score">
                <strong>{describeScore(r)}</strong> · {r.reason}
              </div>
              <div>
                PSI {r.psi.toFixed(3)}{r.psiSmoothed ? ' (smoothed)' : ''} · JS {r.js.toFixed(3)} · χ² {r.chi2.statistic.toFixed(1)} (dof {r.chi2.dof}, p {formatP(r.chi2.pValue)})
                {r.ks && <> · KS D {r.ks.d.toFixed(3)}{r.ks.basis === 'binned' ? ` (exact D in [${r.ks.d.toFixed(3)}, ${r.ks.dUpper?.toFixed(3)}])` : ''}, p {formatP(r.ks.pValue)}</>}
                {r.wasserstein && <> · W₁ {r.wasserstein.raw.toPrecision(3)}{unit ? ` ${unit}` : ''} (normalised {r.wasserstein.value.toFixed(3)})</>}
              </div>
              <div className="muted">
                {formatCount(r.nRef)} reference rows · {formatCount(r.nCur)} current rows ({formatDateTime(d.latest!.currentFromMs, zone)} – {formatDateTime(d.latest!.currentToMs, zone)}) · nulls {(r.nullShare.ref * 100).toFixed(1)}% → {(r.nullShare.cur * 100).toFixed(1)}% ·{' '}
                <Link href={tracesHref}>traces of the current window</Link>
              </div>
            </>
          ) : (
            <div className="muted">Not evaluated yet. The worker evaluates every monitor hourly{canEdit ? '; or evaluate now' : ''}.</div>
          )}
        </div>
      </Panel>
      {r && (
        <Panel
          title="Which bins moved"
          unit="share of rows"
          flush
          actions={
            <span className="muted" style={{ fontSize: 12 }}>
              <span className="legend-swatch" style={{ background: 'var(--chart-1)', opacity: 0.55 }} />reference
              <span className="legend-swatch" style={{ background: 'var(--chart-4)' }} />current
            </span>
          }
        >
          <BinTable bins={r.bins} unit={unit} />
        </Panel>
      )}
      <Panel title="Score history" unit={r?.pValue !== null && r ? 'test statistic' : 'score'}>
        {history.length === 0 ? (
          <div className="empty">No evaluations yet</div>
        ) : (
          <TimeSeriesChart
            data={history}
            series={[
              { key: 'score', label: r ? (METHOD_LABEL[r.method] ?? r.method) : 'score', color: 'var(--chart-1)' },
              { key: 'psi', label: 'PSI', color: 'var(--chart-4)' },
            ]}
            format={(v) => v.toPrecision(2)}
            unit="score"
            fromMs={fromMs}
            toMs={toMs}
          />
        )}
      </Panel>
      <Panel title="How this monitor decides">
        <div className="help-text">{d.help}</div>
      </Panel>
    </div>
  );
}
