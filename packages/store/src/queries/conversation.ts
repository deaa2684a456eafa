import { sql } from '../sql.ts';
import type { Store } from '../store.ts';
import { decimalToPico, picoToDecimal } from './money.ts';
import { traceSummaries, type TraceTextItem } from './summaries.ts';

export const MAX_CONVERSATION_TRACES = 500;

export interface Conversation {
  sessionId: string;
  /** Traces that have a span with this session id, oldest first (at most 500). */
  traces: TraceTextItem[];
  totalCostUsd: number;
  /** The exact total as decimal text. */
  totalCostUsdExact: string;
  inputTokens: number;
  outputTokens: number;
  /** Σ unpricedSpans of the turns: spend whose cost is unknown. */
  unpricedSpans: number;
  truncated: boolean;
}

/** A session (chat) as its turns: one trace per turn with its cost, and the session total. */
export async function listConversation(store: Store, projectId: string, sessionId: string): Promise<Conversation> {
  const ids = await store.query<{ traceId: string }>(sql`SELECT trace_id AS traceId FROM spans
    WHERE project_id = ${projectId} AND session_id = ${sessionId}
    GROUP BY trace_id
    ORDER BY min(start_time), trace_id
    LIMIT ${MAX_CONVERSATION_TRACES + 1}`);
  const truncated = ids.length > MAX_CONVERSATION_TRACES;
  const traces = await traceSummaries(store, projectId, ids.slice(0, MAX_CONVERSATION_TRACES).map((r) => r.traceId), true);
  traces.sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0));
  const pico = traces.reduce((sum, t) => sum + decimalToPico(t.costUsdExact), 0n);
  return {
    sessionId,
    traces,
    totalCostUsd: Number(picoToDecimal(pico)),
    totalCostUsdExact: picoToDecimal(pico),
    inputTokens: traces.reduce((a, t) => a + t.inputTokens, 0),
    outputTokens: traces.reduce((a, t) => a + t.outputTokens, 0),
    unpricedSpans: traces.reduce((a, t) => a + t.unpricedSpans, 0),
    truncated,
  };
}
