'use client';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatCount, formatDateTime, formatUsd } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { useZone } from '../TimeZoneContext';
import { Panel } from '../ui';

const DAY = 86_400_000;

/** Reprice a range (a worker job: progress and the log of runs with old and new totals). */
export function RepricePanel() {
  const trpc = useTRPC();
  const { zone } = useZone();
  const qc = useQueryClient();
  const today = new Date(Math.floor(Date.now() / DAY) * DAY + DAY).toISOString().slice(0, 10);
  const [from, setFrom] = useState(new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10));
  const [to, setTo] = useState(today);
  const runs = useQuery({
    ...trpc.cost.repriceRuns.queryOptions(),
    refetchInterval: (q) => (q.state.data?.some((r) => r.state === 'queued' || r.state === 'running') ? 1000 : false),
  });
  const start = useMutation(trpc.cost.reprice.mutationOptions({ onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.cost.repriceRuns.queryKey() }) }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate({ from: `${from}T00:00:00Z`, to: `${to}T00:00:00Z` });
  };
  return (
    <Panel title="Reprice stored spans" unit="UTC days, USD" testId="reprice">
      <form onSubmit={submit} style={{ display: 'flex', gap: 6, alignItems: 'end', flexWrap: 'wrap' }}>
        <label>
          <span className="faint">From</span>
          <input className="input" type="date" value={from} onChange={(e) => setFrom(e.target.value)} name="from" />
        </label>
        <label>
          <span className="faint">To (exclusive)</span>
          <input className="input" type="date" value={to} onChange={(e) => setTo(e.target.value)} name="to" />
        </label>
        <button type="submit" className="btn" disabled={start.isPending} data-testid="start-reprice">
          Reprice
        </button>
        {start.isError && <span className="error-text">{start.error.message}</span>}
      </form>
      <div className="table-wrap" style={{ marginTop: 6 }}>
      <table className="table" data-testid="reprice-log">
        <thead>
          <tr>
            <th>Requested</th>
            <th>By</th>
            <th>Range</th>
            <th>State</th>
            <th className="num">Rows</th>
            <th className="num">Total before → after</th>
            <th className="num">Unpriced</th>
          </tr>
        </thead>
        <tbody>
          {(runs.data ?? []).length === 0 ? (
            <tr>
              <td colSpan={7} className="empty-cell">
                No reprice yet
              </td>
            </tr>
          ) : (
            (runs.data ?? []).slice(0, 10).map((r) => (
              <tr key={r.id}>
                <td>{formatDateTime(r.requestedAt, zone)}</td>
                <td>{r.requestedBy}</td>
                <td className="faint">
                  {new Date(r.fromMs).toISOString().slice(0, 10)} – {new Date(r.toMs).toISOString().slice(0, 10)}
                </td>
                <td>
                  {r.state === 'running' ? `running ${Math.round((100 * r.hoursDone) / Math.max(1, r.hoursTotal))}%` : r.state}
                  {r.error && <span className="error-text" title={r.error}> !</span>}
                </td>
                <td className="num">{formatCount(r.rowsRewritten)}</td>
                <td className="num" title={`${r.oldTotalUsd} → ${r.newTotalUsd} USD (exact)`}>
                  {formatUsd(Number(r.oldTotalUsd))} → {r.state === 'done' ? formatUsd(Number(r.newTotalUsd)) : '…'}
                </td>
                <td className="num">
                  {formatCount(r.oldUnpriced)} → {r.state === 'done' ? formatCount(r.newUnpriced) : '…'}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      </div>
    </Panel>
  );
}
