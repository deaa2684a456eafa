'use client';
import Link from 'next/link';
import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { useZone } from '../TimeZoneContext';
import { ErrorBox, Panel, SkeletonRows } from '../ui';
import { OverrideForm } from './OverrideForm';
import { RepricePanel } from './RepricePanel';

/** The price catalog: bundled genai-prices (source, version) and this project's overrides, as
 *  the SQL prices table holds them; add / end / remove overrides; reprice a range. */
export function PricesView() {
  const trpc = useTRPC();
  const { zone } = useZone();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const list = useQuery({ ...trpc.cost.prices.queryOptions({ q, limit: 50 }), placeholderData: keepPreviousData });
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.cost.prices.queryKey() });
  const end = useMutation(trpc.cost.endOverride.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.cost.removeOverride.mutationOptions({ onSuccess: invalidate }));
  const rows = list.data?.rows ?? [];
  const COLS = 9;
  return (
    <>
      <div className="page-header">
        <h1>
          <Link href="/cost" className="faint">
            Cost
          </Link>{' '}
          / Prices
        </h1>
        <span className="spacer" />
        <span className="faint">Bundled: {list.data?.bundledVersion ?? '…'}</span>
      </div>
      <div className="grid-2">
        <OverrideForm onSaved={invalidate} />
        <RepricePanel />
      </div>
      <Panel
        title="Price catalog"
        unit="USD per 1M tokens"
        flush
        testId="price-catalog"
        actions={
          <input className="input" placeholder="Search provider, model or price id" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Search prices" data-testid="price-search" />
        }
      >
        {list.isError ? (
          <ErrorBox error={list.error} what="prices" />
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Price id</th>
                  <th>Source</th>
                  <th>Unit</th>
                  <th className="num">Input</th>
                  <th className="num">Cache read</th>
                  <th className="num">Cache write</th>
                  <th className="num">Output</th>
                  <th>Effective</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.isPending ? (
                  <SkeletonRows rows={8} cols={COLS} />
                ) : rows.length === 0 ? (
                  <tr>
                    <td colSpan={COLS} className="empty-cell">
                      No price matches “{q}”
                    </td>
                  </tr>
                ) : (
                  rows.map((r) => (
                    <tr key={r.priceId} data-testid="price-row">
                      <td className="mono" title={`${r.provider} · ${r.model}`}>
                        {r.priceId}
                      </td>
                      <td>{r.source === 'override' ? <span className="badge">override</span> : <span className="faint">{r.sourceDate}</span>}</td>
                      <td>{r.unit === 'gpu_hour' ? <span className="badge">per GPU-hour</span> : 'per token'}</td>
                      {r.unit === 'gpu_hour' ? (
                        // Never both: a GPU-hour priced model has no token price (not $0 per token).
                        <td className="num faint" colSpan={4} title="Spend = GPU-hours × the GPU-hour prices on the GPUs page, split across tenants">
                          GPU-hour prices on the GPUs page
                        </td>
                      ) : (
                        <>
                          <td className="num">{r.inputPerMTok}{r.tiered ? <span className="faint" title="tiered: a higher price above a context size"> +tiers</span> : null}</td>
                          <td className="num">{r.cacheReadPerMTok}</td>
                          <td className="num">{r.cacheWritePerMTok}</td>
                          <td className="num">{r.outputPerMTok}</td>
                        </>
                      )}
                      <td className="faint">
                        {r.effectiveFrom > 0 ? `from ${formatDateTime(r.effectiveFrom, zone)}` : 'always'}
                        {r.effectiveTo !== null ? ` to ${formatDateTime(r.effectiveTo, zone)}` : ''}
                      </td>
                      <td>
                        {r.source === 'override' && (
                          <span style={{ display: 'flex', gap: 4 }}>
                            {r.effectiveTo === null && (
                              <button type="button" className="btn btn-ghost" onClick={() => end.mutate({ id: r.priceId.slice('override:'.length) })}>
                                End now
                              </button>
                            )}
                            <button type="button" className="btn btn-ghost" onClick={() => remove.mutate({ id: r.priceId.slice('override:'.length) })}>
                              Remove
                            </button>
                          </span>
                        )}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
            {list.data && list.data.total > rows.length && (
              <div className="faint" style={{ padding: 6 }}>
                top {rows.length} of {list.data.total} — search to narrow
              </div>
            )}
          </div>
        )}
      </Panel>
    </>
  );
}
