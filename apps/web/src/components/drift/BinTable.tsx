'use client';
import type { DriftBin } from '@plumb/analytics';
import { formatCount, formatPercent } from '@/lib/format';

/**
 * Per-bin breakdown of one evaluation: reference vs current share as paired bars, the PSI term
 * of each bin, and the bins that moved highlighted (row class is-moved, data-moved for tests).
 */
export function BinTable({ bins, unit }: { bins: DriftBin[]; unit: string }) {
  const maxShare = Math.max(0.0001, ...bins.map((b) => Math.max(b.refShare, b.curShare)));
  return (
    <div className="table-wrap">
      <table className="table drift-bins" data-testid="drift-bins">
        <thead>
          <tr>
            <th>Bin{unit ? `, ${unit}` : ''}</th>
            <th style={{ width: '40%' }}>Share of rows: reference / current</th>
            <th className="num">Reference</th>
            <th className="num">Current</th>
            <th className="num" title="(r − c)·ln(r / c): this bin's part of the PSI">PSI term</th>
          </tr>
        </thead>
        <tbody>
          {bins.map((b, i) => (
            <tr key={i} className={b.moved ? 'is-moved' : undefined} data-moved={b.moved ? 'true' : 'false'}>
              <td title={b.label}>
                {b.moved && <span className="badge is-warn" style={{ marginRight: 6 }}>moved</span>}
                <span className={b.kind === 'null' || b.kind === 'other' || b.kind === 'unseen' ? 'muted' : undefined}>{b.label}</span>
              </td>
              <td>
                <div className="drift-pair" aria-hidden="true">
                  <span className="ref" style={{ width: `${(b.refShare / maxShare) * 100}%` }} />
                  <span className="cur" style={{ width: `${(b.curShare / maxShare) * 100}%` }} />
                </div>
              </td>
              <td className="num" title={`${formatCount(b.refCount)} rows`}>{formatPercent(b.refShare)}</td>
              <td className="num" title={`${formatCount(b.curCount)} rows`}>{formatPercent(b.curShare)}</td>
              <td className="num">{b.contribution.toFixed(4)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
