'use client';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatPercent, formatUsd } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { ErrorBox, Panel, SkeletonRows } from '../ui';

const TONE: Record<string, string> = { 'on track': 'is-ok', 'at risk': 'is-warn', over: 'is-error' };

/** Monthly budgets: month-to-date, forecast to month end with its 80 % interval, burn, status. */
export function BudgetsPanel() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.cost.budgets.queryOptions());
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.cost.budgets.queryKey() });
  const save = useMutation(trpc.cost.saveBudget.mutationOptions({ onSuccess: refresh }));
  const del = useMutation(trpc.cost.deleteBudget.mutationOptions({ onSuccess: refresh }));
  const [tenant, setTenant] = useState('');
  const [usd, setUsd] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(tenant.trim() ? { scope: 'tenant', tenant: tenant.trim(), monthlyUsd: usd } : { scope: 'project', monthlyUsd: usd });
  };
  const rows = q.data ?? [];
  const bt = rows[0]?.backtest;
  return (
    <Panel title="Budgets this month" unit="USD, UTC month" flush testId="budgets">
      {q.isError ? (
        <ErrorBox error={q.error} what="budgets" />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Budget</th>
                <th className="num">Monthly</th>
                <th className="num">Month to date</th>
                <th className="num">Burn</th>
                <th className="num">Forecast (80 % interval)</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {q.isPending ? (
                <SkeletonRows rows={2} cols={7} />
              ) : rows.length === 0 ? (
                <tr>
                  <td colSpan={7} className="empty-cell">
                    No budget yet: add one below
                  </td>
                </tr>
              ) : (
                rows.map((b) => (
                  <tr key={b.id} data-testid="budget-row">
                    <td>{b.scope === 'project' ? 'Whole project' : `Tenant ${b.tenant}`}</td>
                    <td className="num">{formatUsd(Number(b.monthlyUsd))}</td>
                    <td className="num">{formatUsd(b.mtdUsd)}</td>
                    <td className="num">{formatPercent(b.burn)}</td>
                    <td className="num" data-testid="budget-forecast">
                      {formatUsd(b.forecastUsd)} <span className="faint">({formatUsd(b.forecastLowUsd)} – {formatUsd(b.forecastHighUsd)})</span>
                    </td>
                    <td>
                      <span className={`badge ${TONE[b.status] ?? ''}`} data-testid="budget-status">
                        {b.status}
                      </span>
                    </td>
                    <td>
                      <button type="button" className="btn btn-ghost" onClick={() => del.mutate({ id: b.id })} aria-label={`Delete budget ${b.id}`}>
                        ✕
                      </button>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
      <form onSubmit={submit} style={{ display: 'flex', gap: 6, alignItems: 'center', padding: 8, flexWrap: 'wrap' }}>
        <input className="input" placeholder="Tenant (blank = whole project)" value={tenant} onChange={(e) => setTenant(e.target.value)} aria-label="Budget tenant" name="budget-tenant" />
        <input className="input" placeholder="USD per month" inputMode="decimal" required value={usd} onChange={(e) => setUsd(e.target.value)} aria-label="Monthly budget in USD" name="budget-usd" />
        <button type="submit" className="btn" disabled={save.isPending} data-testid="save-budget">
          Set budget
        </button>
        {save.isError && <span className="error-text">{save.error.message}</span>}
      </form>
      <div className="faint" style={{ padding: '0 8px 8px' }}>
        Forecast: month-to-date plus, for each remaining day, the mean spend of the same weekday over the last 28 complete days; the 80 % interval is ±1.28 σ √n of
        the daily residuals. Status: over when month-to-date passes the budget, at risk when the interval&apos;s upper end does.
        {bt && bt.tests > 0 ? ` Backtest on this project's history: the 7-day 80 % interval held in ${formatPercent(bt.coverage)} of ${bt.tests} windows.` : ' Backtest: not enough history yet (35 days needed).'}
      </div>
    </Panel>
  );
}
