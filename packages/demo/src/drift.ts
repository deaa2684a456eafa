/**
 * Drift injection for the demo: after a time T, the model calls served by one model version
 * produce longer outputs and some stop on the token limit — the shift a drift monitor on output
 * tokens or finish reason should flag. Applied to a planned trace once its start time is known.
 */
import type { PlannedTrace } from './scenario.ts';

export interface DriftInjection {
  /** Served (response) model whose calls drift, e.g. gpt-4o-mini-2024-07-18. */
  model: string;
  /** Calls starting at or after this instant (epoch ms) drift. */
  afterMs: number;
  /** Output tokens are multiplied by this (default 2). */
  outputFactor?: number;
  /** Share of drifted calls whose finish reason becomes `length` (default 0.3). */
  lengthRate?: number;
}

/** Deterministic in [0, 1) from a span id, so the same seed gives the same drifted calls. */
function unit(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

/** Mutates the trace's matching model calls; returns how many drifted. */
export function applyDrift(trace: PlannedTrace, traceStartMs: number, d: DriftInjection): number {
  const factor = d.outputFactor ?? 2;
  const lengthRate = d.lengthRate ?? 0.3;
  let n = 0;
  for (const s of trace.spans) {
    if (s.operation !== 'chat' || s.status !== 'ok' || s.responseModel !== d.model || traceStartMs + s.startMs < d.afterMs) continue;
    s.outputTokens = Math.round(s.outputTokens * factor);
    if (unit(s.spanId) < lengthRate) s.finishReason = 'length';
    n++;
  }
  return n;
}
