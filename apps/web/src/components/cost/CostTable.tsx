'use client';
import Link from 'next/link';
import { formatCount, formatPercent, formatTokens, formatUsd } from '@/lib/format';
import type { TimeRange } from '@/lib/time-range';
import { explorerHref } from '@/lib/trace-filters';
import { ErrorBox, Panel, SkeletonRows } from '../ui';
import { DIM_LABEL, drillFilters, NOT_SET, type CostDim } from './dims';
import { useConversationCost, useCostTable, useGpuCostByTenant } from './useCostData';

/** The GPU split's idle line (store gpu-catalog IDLE_TENANT). */
const IDLE = '(idle)';

const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));
const perUnit = (v: unknown) => (v === null || v === undefined ? '—' : formatUsd(Number(v)));

/** What one "request" is for these groups (the semantic layer's subject): the per-request column's name. */
export function perRequestLabel(groupBy: readonly CostDim[]): string {
  if (groupBy.includes('model') || groupBy.includes('provider')) return 'Per model call';
  if (groupBy.includes('agent')) return 'Per agent run';
  return 'Per request';
}

/** Spend grouped by one or two dimensions; every cell opens the explorer on its traces. */
export function CostTable({ by, then, fromMs, toMs, range, total }: { by: CostDim; then: CostDim | null; fromMs: number; toMs: number; range: TimeRange; total: number }) {
  const groupBy = then ? [by, then] : [by];
  const q = useCostTable(fromMs, toMs, groupBy);
  const conv = useConversationCost(fromMs, toMs, groupBy);
  // A group with no model call has no spend to show (grouped by model, the root spans of each
  // tenant form such a group: cost_per_request ranges over every span, so the query keeps it).
  const rows = (q.data?.rows ?? []).filter((r) => num(r.llm_calls) + num(r.unpriced_spans) + num(r.gpu_hour_spans) + num(r.total_tokens) > 0 || num(r.cost_usd) !== 0);
  const key = (r: Record<string, unknown>) => groupBy.map((d) => String(r[d] ?? '')).join('\u0000');
  const perConversation = new Map((conv.data?.rows ?? []).map((r) => [key(r), r]));
  // Grouped by tenant alone: each tenant's share of self-hosted GPU spend beside its token spend.
  const byTenant = by === 'tenant' && then === null;
  const gpu = useGpuCostByTenant(fromMs, toMs, byTenant);
  const gpuOf = new Map((gpu.data?.rows ?? []).map((r) => [String(r.tenant ?? ''), num(r.gpu_cost_usd)]));
  const gpuIdle = gpuOf.get(IDLE) ?? 0;
  const showGpu = byTenant && [...gpuOf.values()].some((v) => v > 0);
  const cols = 7 + (then ? 1 : 0) + (showGpu ? 1 : 0);
  const shown = rows.reduce((a, r) => a + num(r.cost_usd), 0);
  return (
    <Panel title={`Spend by ${DIM_LABEL[by].toLowerCase()}${then ? ` × ${DIM_LABEL[then].toLowerCase()}` : ''}`} unit="USD" flush testId="cost-table">
      {q.isError ? (
        <ErrorBox error={q.error} what="the cost breakdown" />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>{DIM_LABEL[by]}</th>
                {then && <th>{DIM_LABEL[then]}</th>}
                <th className="num">Cost</th>
                <th className="num">Share</th>
                {showGpu && (
                  <th className="num" title="Self-hosted GPU spend (GPU-hours × GPU-hour price), busy part split by share of inference busy time; idle in the footer">
                    Self-hosted GPU
                  </th>
                )}
                <th className="num">Calls</th>
                <th className="num">Tokens</th>
                <th className="num" title="Cost / requests of the group (the subject: traces; agent runs by agent; model calls by model or provider)">
                  {perRequestLabel(groupBy)}
                </th>
                <th className="num" title="Cost of the group's spans in a session / its sessions (spans without a session left out)">
                  Per conversation
                </th>
              </tr>
            </thead>
            <tbody>
              {q.isPending ? (
                <SkeletonRows rows={6} cols={cols} />
              ) : rows.length === 0 ? (
                <tr>
                  <td colSpan={cols} className="empty-cell">
                    No spend in this window
                  </td>
                </tr>
              ) : (
                rows.map((r) => {
                  const a = String(r[by] ?? '');
                  const b = then ? String(r[then] ?? '') : '';
                  const href = explorerHref(drillFilters(then ? { [by]: a, [then]: b } : { [by]: a }), range);
                  const cost = num(r.cost_usd);
                  const unpriced = num(r.unpriced_spans);
                  const gpuHour = num(r.gpu_hour_spans);
                  return (
                    <tr key={`${a}\u0000${b}`}>
                      <td title={a}>
                        <Link className="cell-link" href={href}>
                          {a || <span className="faint">{NOT_SET[by]}</span>}
                        </Link>
                      </td>
                      {then && (
                        <td title={b}>
                          <Link className="cell-link" href={href}>
                            {b || <span className="faint">{NOT_SET[then]}</span>}
                          </Link>
                        </td>
                      )}
                      <td className="num">
                        <Link className="cell-link" href={href} data-testid="cost-cell">
                          {formatUsd(cost)}
                        </Link>
                        {unpriced > 0 && <span className="warn-text"> + {formatCount(unpriced)} unpriced</span>}
                        {gpuHour > 0 && (
                          <span className="faint" title="Calls of a self-hosted model priced per GPU-hour: no token cost; their spend is the self-hosted GPU line">
                            {' '}+ {formatCount(gpuHour)} per GPU-hour
                          </span>
                        )}
                      </td>
                      <td className="num">{formatPercent(total > 0 ? cost / total : 0)}</td>
                      {showGpu && (
                        <td className="num" data-testid="cost-gpu-cell">
                          {gpuOf.get(a) ? formatUsd(gpuOf.get(a)!) : <span className="faint">—</span>}
                        </td>
                      )}
                      <td className="num">{formatCount(num(r.llm_calls))}</td>
                      <td className="num">{formatTokens(num(r.total_tokens))}</td>
                      <td className="num" data-testid="cost-per-request">
                        {cost === 0 && gpuHour > 0 ? <span className="faint" title="priced per GPU-hour">—</span> : perUnit(r.cost_per_request)}
                      </td>
                      <td className="num" data-testid="cost-per-conversation" title={`${formatCount(num(perConversation.get(key(r))?.conversations))} conversations`}>
                        {conv.isPending ? <span className="faint">…</span> : perUnit(perConversation.get(key(r))?.cost_per_conversation)}
                      </td>
                    </tr>
                  );
                })
              )}
            </tbody>
            {rows.length > 0 && (
              <tfoot>
                <tr>
                  <td colSpan={then ? 2 : 1}>
                    <b>Shown</b> <span className="faint">({rows.length} rows)</span>
                  </td>
                  <td className="num">
                    <b>{formatUsd(shown)}</b>
                  </td>
                  <td className="num">{formatPercent(total > 0 ? shown / total : 0)}</td>
                  {showGpu && (
                    <td className="num" title="GPU-hours no tenant's inference used (the idle line), not in any tenant above">
                      <span className="faint">idle {formatUsd(gpuIdle)}</span>
                    </td>
                  )}
                  <td colSpan={4} />
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      )}
    </Panel>
  );
}
