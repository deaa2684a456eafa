'use client';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatDateTime, formatUsd } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { useZone } from '../TimeZoneContext';
import { Panel } from '../ui';

function lastMonth(): string {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

/** Close a month (its export is frozen, byte-identical later), reopen it with a reason; the log. */
export function MonthClosePanel() {
  const trpc = useTRPC();
  const { zone } = useZone();
  const qc = useQueryClient();
  const log = useQuery(trpc.cost.monthCloses.queryOptions());
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.cost.monthCloses.queryKey() });
  const close = useMutation(trpc.cost.closeMonth.mutationOptions({ onSuccess: refresh }));
  const reopen = useMutation(trpc.cost.reopenMonth.mutationOptions({ onSuccess: refresh }));
  const [month, setMonth] = useState(lastMonth());
  const [reason, setReason] = useState('');
  const closed = (log.data ?? []).find((l) => l.month === month)?.action === 'close';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (closed) reopen.mutate({ month, reason });
    else close.mutate({ month });
  };
  const error = close.error ?? reopen.error;
  return (
    <Panel title="Month close" unit="UTC months, USD" testId="month-close">
      <form onSubmit={submit} style={{ display: 'flex', gap: 6, alignItems: 'center', flexWrap: 'wrap' }}>
        <input className="input" type="month" value={month} onChange={(e) => setMonth(e.target.value)} aria-label="Month" />
        {closed && <input className="input" placeholder="Why reopen? (logged)" required value={reason} onChange={(e) => setReason(e.target.value)} aria-label="Reopen reason" />}
        <button type="submit" className="btn">
          {closed ? 'Reopen month' : 'Close month'}
        </button>
        <a className="btn btn-ghost" href={`/api/cost-export/month?month=${month}`} download>
          {closed ? 'Closed export (CSV)' : 'Live export (CSV)'}
        </a>
        {error && <span className="error-text">{error.message}</span>}
      </form>
      <table className="table" style={{ marginTop: 6 }}>
        <thead>
          <tr>
            <th>Month</th>
            <th>Action</th>
            <th>By</th>
            <th>When</th>
            <th className="num">Total at the time</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {(log.data ?? []).length === 0 ? (
            <tr>
              <td colSpan={6} className="empty-cell">
                No month closed yet
              </td>
            </tr>
          ) : (
            (log.data ?? []).slice(0, 8).map((l) => (
              <tr key={`${l.month}-${l.at}-${l.action}`}>
                <td>{l.month}</td>
                <td>{l.action}</td>
                <td>{l.by}</td>
                <td>{formatDateTime(l.at, zone)}</td>
                <td className="num">{formatUsd(Number(l.totalUsd))}</td>
                <td>{l.reason}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </Panel>
  );
}
