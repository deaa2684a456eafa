'use client';
import Link from 'next/link';
import { NO_AGENT } from '@plumb/analytics';
import { formatDuration, formatTokens } from '@/lib/format';
import { explorerHref } from '@/lib/trace-filters';
import type { AgentRollupView } from '@/lib/view';
import { CostBarCell } from '../ui';

/** Per-agent totals for this trace; agent names link to every trace that agent ran in. */
export function AgentRollupTable({ rows }: { rows: AgentRollupView[] }) {
  if (rows.length === 0) return <div className="empty">No agent spans in this trace.</div>;
  const maxCost = Math.max(0, ...rows.map((r) => r.costUsd));
  return (
    <div className="table-wrap" data-testid="agent-rollup">
      <table className="table">
        <thead>
          <tr>
            <th>Agent</th>
            <th className="num">Runs</th>
            <th className="num">LLM calls</th>
            <th className="num">Tool calls</th>
            <th className="num">Errors</th>
            <th className="num">Time</th>
            <th className="num" title="Time inside the agent not spent in LLM / tool / retrieval / sub-agent work">
              Self time
            </th>
            <th className="num">Tokens in</th>
            <th className="num">Tokens out</th>
            <th className="num" style={{ width: '18%' }}>
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.agent}>
              <td>
                {r.agent === NO_AGENT ? (
                  <span className="faint">{NO_AGENT}</span>
                ) : (
                  <Link className="cell-link" href={explorerHref({ agent: r.agent })} title={`All traces with agent ${r.agent}`}>
                    {r.agent}
                  </Link>
                )}
              </td>
              <td className="num">{r.calls}</td>
              <td className="num">{r.llmCalls}</td>
              <td className="num">{r.toolCalls}</td>
              <td className="num">{r.errorCount > 0 ? <span className="badge is-error">{r.errorCount}</span> : <span className="faint">0</span>}</td>
              <td className="num">{formatDuration(r.totalMs)}</td>
              <td className="num">{formatDuration(r.selfMs)}</td>
              <td className="num">{formatTokens(r.inputTokens)}</td>
              <td className="num">{formatTokens(r.outputTokens)}</td>
              <CostBarCell cost={r.cost} maxCostUsd={maxCost} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
