'use client';
import { formatPercent } from '@/lib/format';

interface Metric {
  name: string;
  unit: 'ratio' | 'tokens' | 'score';
  a: number | null;
  b: number | null;
  test: { diff: number; statistic: number; pValue: number; approximate: boolean } | null;
}

const fmt = (m: Metric, v: number | null) => (v === null ? '—' : m.unit === 'ratio' ? formatPercent(v) : m.unit === 'tokens' ? `${v.toFixed(1)} tokens` : v.toFixed(3));
const fmtDiff = (m: Metric, d: number) => (m.unit === 'ratio' ? `${d >= 0 ? '+' : ''}${(d * 100).toFixed(2)} pp` : `${d >= 0 ? '+' : ''}${d.toFixed(m.unit === 'tokens' ? 1 : 3)}`);

/** Metric by metric: a, b, the difference, its p-value; p < 0.05 marked. */
export function CompareTable({ c }: { c: { a: string; b: string; metrics: Metric[] } }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="compare-table">
        <thead>
          <tr>
            <th>Metric</th>
            <th className="num">a: {c.a}</th>
            <th className="num">b: {c.b}</th>
            <th className="num">b − a</th>
            <th className="num">p-value</th>
            <th>Test</th>
          </tr>
        </thead>
        <tbody>
          {c.metrics.map((m) => {
            const sig = m.test !== null && m.test.pValue < 0.05;
            return (
              <tr key={m.name} data-significant={sig ? 'true' : 'false'}>
                <td>{m.name}</td>
                <td className="num">{fmt(m, m.a)}</td>
                <td className="num">{fmt(m, m.b)}</td>
                <td className={`num ${sig ? 'sig' : ''}`}>{m.test ? fmtDiff(m, m.test.diff) : '—'}</td>
                <td className={`num ${sig ? 'sig' : ''}`}>{m.test ? (m.test.pValue < 0.001 ? m.test.pValue.toExponential(1) : m.test.pValue.toFixed(3)) : '—'}</td>
                <td className="muted">
                  {m.test ? (m.unit === 'ratio' ? 'two-proportion z' : 'Welch (normal approx.)') : 'not enough data'}
                  {m.test?.approximate ? ', small sample' : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
