'use client';
import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { formatCount, formatUsd } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { ErrorBox, Panel } from '../ui';

interface Ask {
  fromModel: string;
  requestType: string;
  toProvider: string;
  toModel: string;
}

/** Routing what-if: "calls of model A (in requests of type X) served by model B" over the window. */
export function WhatIfPanel({ fromMs, toMs }: { fromMs: number; toMs: number }) {
  const trpc = useTRPC();
  const [form, setForm] = useState<Ask>({ fromModel: '', requestType: '', toProvider: 'openai', toModel: '' });
  const [ask, setAsk] = useState<Ask | null>(null);
  const q = useQuery({
    ...trpc.cost.whatIf.queryOptions({ from: fromMs, to: toMs, fromModel: ask?.fromModel ?? '-', toProvider: ask?.toProvider ?? '', toModel: ask?.toModel ?? '-', ...(ask?.requestType ? { requestType: ask.requestType } : {}) }),
    enabled: ask !== null,
  });
  const set = (k: keyof Ask) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAsk({ ...form });
  };
  const rows = q.data?.rows ?? [];
  const actual = rows.reduce((a, r) => a + Number(r.actualUsd), 0);
  const whatIf = rows.reduce((a, r) => a + Number(r.whatIfUsd), 0);
  return (
    <Panel title="Routing what-if" unit="USD over the selected window" testId="what-if">
      <form onSubmit={submit} style={{ display: 'flex', gap: 6, flexWrap: 'wrap', alignItems: 'center' }}>
        <input className="input" placeholder="calls of model (e.g. gpt-4o)" required value={form.fromModel} onChange={set('fromModel')} aria-label="Model whose calls move" />
        <input className="input" placeholder="in request type (blank = all)" value={form.requestType} onChange={set('requestType')} aria-label="Request type" />
        <span className="faint">served by</span>
        <input className="input" placeholder="provider" value={form.toProvider} onChange={set('toProvider')} aria-label="Target provider" style={{ width: 90 }} />
        <input className="input" placeholder="model (e.g. gpt-4o-mini)" required value={form.toModel} onChange={set('toModel')} aria-label="Target model" />
        <button type="submit" className="btn">
          Compare
        </button>
      </form>
      {q.isError && <ErrorBox error={q.error} what="the what-if" />}
      {q.data && (
        <>
          <div style={{ margin: '6px 0' }}>
            Actual {formatUsd(actual)} → what-if <b>{formatUsd(whatIf)}</b> ({whatIf <= actual ? 'saves' : 'costs'} {formatUsd(Math.abs(actual - whatIf))}) at{' '}
            <span className="mono">{q.data.priceId}</span>
          </div>
          <table className="table">
            <thead>
              <tr>
                <th>Tenant</th>
                <th>Request type</th>
                <th className="num">Calls moved</th>
                <th className="num">Actual</th>
                <th className="num">What-if</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 ? (
                <tr>
                  <td colSpan={5} className="empty-cell">
                    No calls of {ask?.fromModel} in this window
                  </td>
                </tr>
              ) : (
                rows.map((r) => (
                  <tr key={`${r.tenant}\u0000${r.requestType}`}>
                    <td>{r.tenant || <span className="faint">(untagged)</span>}</td>
                    <td>{r.requestType || <span className="faint">(untyped)</span>}</td>
                    <td className="num">{formatCount(r.calls)}</td>
                    <td className="num">{formatUsd(Number(r.actualUsd))}</td>
                    <td className="num">{formatUsd(Number(r.whatIfUsd))}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </>
      )}
      <div className="faint" style={{ marginTop: 6 }}>
        Priced from the stored token buckets at the target model&apos;s catalog price; output lengths, cache hits and retries are assumed unchanged.
      </div>
    </Panel>
  );
}
