'use client';
import Link from 'next/link';
import { useState } from 'react';
import { Panel, SkeletonRows } from '@/components/ui';
import { formatCount, formatPercent } from '@/lib/format';
import type { RouterOutputs } from '@/lib/view';
import { DIMENSION_LABEL, dimensionFilter, emptyLabel, tracesHref } from './stages';

export type RegressionData = RouterOutputs['latencyRegression']['analyze'];

const points = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} pt`;
const TOP = 5;

/**
 * Where the slow requests come from: per dimension (most different first, TVD score), the values
 * ranked by over-representation among the comparison window's slow requests (D3.3), and the
 * slow-rate change split into traffic mix and within-segment slowdown (D3.4).
 */
export function AttributionPanel({ data, loading }: { data: RegressionData | undefined; loading: boolean }) {
  const [expanded, setExpanded] = useState<string | null>(null);
  const dims = data?.attribution.dimensions ?? [];
  return (
    <Panel title="Which segments explain it" unit="share of slow vs other requests in the comparison window; slow-rate change in points" flush testId="regression-attribution">
      {loading ? (
        <table className="table"><tbody><SkeletonRows rows={6} cols={7} /></tbody></table>
      ) : (
        <div className="attribution-grid">
          {dims.map((d) => {
            const rows = expanded === d.dimension ? d.segments : d.segments.slice(0, TOP);
            return (
              <section key={d.dimension} className="attribution-card" data-testid="regression-dimension" data-dimension={d.dimension}>
                <header>
                  <strong>{DIMENSION_LABEL[d.dimension] ?? d.dimension}</strong>
                  <span className="faint" title="Total variation distance between slow and other requests on this dimension (0–1)">score {d.score.toFixed(2)}</span>
                  <span className="spacer" />
                  <span className="faint" title="Slow-rate change = traffic-mix effect + within-segment slowdown">mix {points(d.mix)} · within {points(d.within)}</span>
                </header>
                <table className="table compact">
                  <thead>
                    <tr>
                      <th>Value</th>
                      <th className="num" title="Share of the comparison window's slow requests">Slow, %</th>
                      <th className="num" title="Share of the comparison window's other requests">Other, %</th>
                      <th style={{ width: 80 }}>Over-rep.</th>
                      <th className="num" title="Slow rate of the segment, baseline → comparison">Slow rate</th>
                      <th className="num" title="w′·(s′ − s): slowdown inside the segment">Within</th>
                      <th className="num" title="(w′ − w)·s: traffic moving to or from the segment">Mix</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((g, i) => {
                      const f = data ? dimensionFilter(d.dimension, g.value) : null;
                      const label = g.value === '' ? <span className="faint">{emptyLabel(d.dimension)}</span> : g.value;
                      return (
                        <tr key={g.value} data-testid="regression-segment" data-value={g.value} data-rank={i}>
                          <td title={g.value}>{f && data ? <Link href={tracesHref(data.comparison, f)}>{label}</Link> : label}</td>
                          <td className="num">
                            {f && data && g.comparisonSlow > 0 ? (
                              <Link href={tracesHref(data.comparison, f, data.thresholdMs)} title={`${formatCount(g.comparisonSlow)} slow requests`}>{formatPercent(g.slowShare)}</Link>
                            ) : formatPercent(g.slowShare)}
                          </td>
                          <td className="num">{formatPercent(g.otherShare)}</td>
                          <td><OverBar value={g.overRepresentation} /></td>
                          <td className="num" title={`${formatCount(g.baselineRequests)} → ${formatCount(g.comparisonRequests)} requests`}>
                            {g.baselineSlowRate === null ? 'new' : formatPercent(g.baselineSlowRate)} → {g.comparisonSlowRate === null ? 'gone' : formatPercent(g.comparisonSlowRate)}
                          </td>
                          <td className={`num ${g.within > 0.005 ? 'error-text' : ''}`}>{points(g.within)}</td>
                          <td className="num">{points(g.mix)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                {d.segments.length > TOP && (
                  <button className="btn-ghost btn small" onClick={() => setExpanded(expanded === d.dimension ? null : d.dimension)}>
                    {expanded === d.dimension ? 'Show top 5' : `Show all ${d.segments.length} values`}
                  </button>
                )}
              </section>
            );
          })}
          {dims.length === 0 && <div className="empty">No requests in either window.</div>}
        </div>
      )}
    </Panel>
  );
}

/** A diverging bar: over-represented (right, red) or under-represented (left) among slow requests. */
function OverBar({ value }: { value: number }) {
  const w = Math.min(50, Math.abs(value) * 50);
  return (
    <div className="overbar" title={`${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(1)} points of share among slow requests`}>
      <span className={value >= 0 ? 'pos' : 'neg'} style={value >= 0 ? { left: '50%', width: `${w}%` } : { right: '50%', width: `${w}%` }} />
    </div>
  );
}
