'use client';
import { Panel, Skeleton } from '@/components/ui';
import { formatDuration, formatPercent } from '@/lib/format';
import type { RegressionData } from './AttributionPanel';
import { STAGE_META } from './stages';

type Totals = RegressionData['stages']['baseline']['all'];

/**
 * Stage comparison between the windows (D3.2): mean critical-path ms per request and each
 * stage's share, for all requests and for the requests at or above each window's p95. The Δ
 * column tells "more waiting" (queue) from "slower first token" (prefill) from "longer or slower
 * generation" (decode) from tools, retrieval or the app's own code.
 */
export function StageComparison({ data, loading }: { data: RegressionData | undefined; loading: boolean }) {
  const s = data?.stages;
  const delta = (k: (typeof STAGE_META)[number]['key']) => (s ? s.comparison.all.meanMs[k] - s.baseline.all.meanMs[k] : 0);
  const biggest = s ? STAGE_META.reduce((a, b) => (delta(b.key) > delta(a.key) ? b : a)) : null;
  return (
    <Panel title="Where the time went" unit="mean critical-path ms per request, by stage" flush testId="regression-stages">
      {loading || !s ? (
        <div style={{ padding: 10 }}><Skeleton height={120} /></div>
      ) : (
        <>
          <div className="stage-bars">
            <StageBar label="Baseline, all" t={s.baseline.all} />
            <StageBar label="Comparison, all" t={s.comparison.all} />
            <StageBar label={`Baseline, ≥ p95 (${formatDuration(s.baseline.p95Ms)})`} t={s.baseline.slow} />
            <StageBar label={`Comparison, ≥ p95 (${formatDuration(s.comparison.p95Ms)})`} t={s.comparison.slow} />
          </div>
          <table className="table compact">
            <thead>
              <tr>
                <th>Stage</th>
                <th className="num">Baseline, ms</th>
                <th className="num">Comparison, ms</th>
                <th className="num">Δ, ms</th>
                <th className="num" title="Share of the critical-path time of requests at or above the window's p95">Share of slow, base → comp.</th>
              </tr>
            </thead>
            <tbody>
              {STAGE_META.map((m) => (
                <tr key={m.key} data-testid="regression-stage" data-stage={m.key} className={biggest?.key === m.key && delta(m.key) > 0 ? 'is-top' : undefined}>
                  <td><span className="dot" style={{ background: m.color }} /> {m.label}</td>
                  <td className="num">{formatDuration(s.baseline.all.meanMs[m.key])}</td>
                  <td className="num">{formatDuration(s.comparison.all.meanMs[m.key])}</td>
                  <td className={`num ${delta(m.key) > 0 && biggest?.key === m.key ? 'error-text' : ''}`} data-testid="regression-stage-delta">
                    {delta(m.key) >= 0 ? '+' : '−'}{formatDuration(Math.abs(delta(m.key)))}
                  </td>
                  <td className="num">{formatPercent(s.baseline.slow.share[m.key])} → {formatPercent(s.comparison.slow.share[m.key])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Panel>
  );
}

function StageBar({ label, t }: { label: string; t: Totals }) {
  const total = STAGE_META.reduce((a, m) => a + t.meanMs[m.key], 0);
  return (
    <div className="stage-bar-row">
      <span className="faint stage-bar-label">{label}</span>
      <div className="stackbar" aria-label={`${label}: stages`} title={STAGE_META.map((m) => `${m.label}: ${formatDuration(t.meanMs[m.key])}`).join(' · ')}>
        {total > 0 && STAGE_META.map((m) => (t.meanMs[m.key] > 0 ? <span key={m.key} style={{ width: `${(t.meanMs[m.key] / total) * 100}%`, background: m.color }} /> : null))}
      </div>
      <span className="num stage-bar-total">{formatDuration(total)}</span>
    </div>
  );
}
