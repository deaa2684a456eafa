/**
 * Latency regression injection for the demo (issue 10): from a time T, the calls of one model
 * made for one tenant take `extraMs` longer in one stage — `decode` (longer generation after the
 * first token) or `prefill` (a later first token: TTFT grows). Everything after the slowed call
 * moves later and its ancestors end later, so the trace stays consistent (the critical path
 * grows by exactly extraMs per slowed call). Applied to a planned trace once its start is known.
 */
import type { PlannedTrace } from './scenario.ts';

export const REGRESSION_STAGES = ['decode', 'prefill'] as const;
export type RegressionStage = (typeof REGRESSION_STAGES)[number];

export interface RegressionInjection {
  /** Requested model whose calls slow down, e.g. claude-sonnet-4-20250514. */
  model: string;
  /** Tenant whose requests see it. */
  tenant: string;
  /** Calls starting at or after this instant (epoch ms) slow down. */
  fromMs: number;
  stage: RegressionStage;
  /** Added to each matching call (ms). */
  extraMs: number;
}

/** Mutates the trace; returns how many calls slowed down. */
export function applyRegression(trace: PlannedTrace, traceStartMs: number, r: RegressionInjection): number {
  if (trace.tenant !== r.tenant || !(r.extraMs > 0)) return 0;
  let n = 0;
  // In start order, each shift applied to the current times (a later call has already moved).
  const calls = trace.spans.filter((s) => s.operation === 'chat' && s.status === 'ok' && s.requestModel === r.model).sort((a, b) => a.startMs - b.startMs);
  for (const call of calls) {
    if (traceStartMs + call.startMs < r.fromMs) continue;
    const oldEnd = call.endMs;
    for (const s of trace.spans) {
      if (s === call) continue;
      if (s.startMs >= oldEnd) {
        s.startMs += r.extraMs;
        s.endMs += r.extraMs;
      } else if (s.endMs >= oldEnd) {
        s.endMs += r.extraMs; // an ancestor (calls never overlap their siblings in the scenario)
      }
    }
    call.endMs += r.extraMs;
    if (r.stage === 'prefill' && call.ttftMs !== null) call.ttftMs += r.extraMs;
    n++;
  }
  if (n > 0) {
    const root = trace.spans.find((s) => s.parentSpanId === '');
    if (root) trace.durationMs = root.endMs - root.startMs;
  }
  return n;
}
