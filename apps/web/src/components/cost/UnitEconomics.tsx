'use client';
import { formatCount, formatUsd } from '@/lib/format';
import { Panel, Skeleton } from '../ui';

const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));

/** Cost per unit of work over the window (ratios of semantic-layer sums). */
export function UnitEconomics({
  row,
  loading,
  savings,
  conversations,
}: {
  row: Record<string, unknown> | undefined;
  loading: boolean;
  /** cost_per_conversation and conversations over the window (raw spans: loads on its own). */
  conversations: { row: Record<string, unknown> | undefined; loading: boolean };
  /** The cache-savings measures over the window (cache_read_savings_usd, cache_write_extra_usd). */
  savings: Record<string, unknown> | undefined;
}) {
  const cost = num(row?.cost_usd);
  const per = (n: number) => (n > 0 ? formatUsd(cost / n) : '—');
  const lines: [string, string, string][] = [
    ['per request', per(num(row?.requests)), `${formatCount(num(row?.requests))} requests`],
    ['per model call', per(num(row?.llm_calls)), `${formatCount(num(row?.llm_calls))} calls`],
    [
      'per conversation',
      conversations.row?.cost_per_conversation == null ? '—' : formatUsd(num(conversations.row.cost_per_conversation)),
      `${formatCount(num(conversations.row?.conversations))} conversations (sessions)`,
    ],
    ['per agent run', per(num(row?.agent_runs)), `${formatCount(num(row?.agent_runs))} runs`],
    ['per tool call', per(num(row?.tool_calls)), `${formatCount(num(row?.tool_calls))} tool calls`],
    ['per 1k tokens', num(row?.total_tokens) > 0 ? formatUsd((cost / num(row?.total_tokens)) * 1000) : '—', `${formatCount(num(row?.total_tokens))} tokens`],
  ];
  return (
    <Panel title="Unit economics" unit="USD per unit" testId="unit-economics">
      <dl className="kv">
        {lines.map(([k, v, sub]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>Cost {k}</dt>
            <dd>
              {loading || (k === 'per conversation' && conversations.loading) ? <Skeleton width={80} height={12} /> : <b>{v}</b>} <span className="faint">· {sub}</span>
            </dd>
          </div>
        ))}
        <dt>Cache reads saved</dt>
        <dd>{savings ? formatUsd(num(savings.cache_read_savings_usd)) : '—'}</dd>
        <dt>Cache writes cost extra</dt>
        <dd>{savings ? formatUsd(num(savings.cache_write_extra_usd)) : '—'}</dd>
      </dl>
      <div className="faint" style={{ marginTop: 6 }}>
        Unpriced calls count in the denominators but add nothing to cost: see the unpriced line.
      </div>
    </Panel>
  );
}
