import { buildSpanTree } from '../tree.ts';
import { criticalPath } from '../critical-path.ts';
import type { TraceSpan } from '../types.ts';

/**
 * Request stages (methods.md D1): where a request's critical-path time went.
 * - queue: waiting in a model server's queue (vLLM `gen_ai.latency.time_in_queue`);
 * - prefill: time to first token after the queue (TTFT − queue: `gen_ai.response.time_to_first_chunk`,
 *   `ai.response.msToFirstChunk`, `gen_ai.latency.time_to_first_token`, or vLLM's prefill time);
 * - decode: first token → last token (the rest of the call once TTFT is known, or vLLM's decode time);
 * - llm: model-call time the span does not break down (no TTFT reported);
 * - retrieval, tool: self time of retrieval / tool spans on the critical path;
 * - own: self time of everything else (agents, chains, the app's own code).
 * The set is closed: the stage table has one column per stage.
 */
export const STAGES = ['queue', 'prefill', 'decode', 'llm', 'retrieval', 'tool', 'own'] as const;
export type Stage = (typeof STAGES)[number];

export function zeroStages(): Record<Stage, number> {
  return { queue: 0, prefill: 0, decode: 0, llm: 0, retrieval: 0, tool: 0, own: 0 };
}

/** What a model-call span reports about its own timing, in ms from its start (null: not reported). */
export interface LlmTiming {
  queueMs: number | null;
  ttftMs: number | null;
  prefillMs: number | null;
  decodeMs: number | null;
}

export interface StageSpan extends TraceSpan {
  timing?: LlmTiming;
}

export interface RequestStages {
  /** Critical-path time per stage; the stages add up to totalMs. */
  stages: Record<Stage, number>;
  /** Σ critical-path time = the (longest) root's duration. */
  totalMs: number;
  /** Span ids on the critical path with their stage time, for exemplar views. */
  spanIds: string[];
  /** Critical-path time of each span on the path (its blocking self time). */
  selfTimeBySpan: Record<string, number>;
}

type Interval = [stage: Stage, startMs: number, endMs: number];

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * The phases of one model call on its own timeline [start, end]: queue from the start, prefill
 * up to the first token (TTFT counts from the request's arrival, so it includes the queue, as
 * vLLM's `time_to_first_token` does), decode after it. Without TTFT, vLLM's prefill / decode
 * durations are laid end to end after the queue. What no phase covers is `llm`.
 * Reported times are clipped to the span, so a bad attribute never makes a stage exceed it.
 */
export function llmPhases(startMs: number, endMs: number, t: LlmTiming | undefined): Interval[] {
  const out: Interval[] = [];
  if (!t) return [['llm', startMs, endMs]];
  const clip = (v: number) => Math.min(endMs, Math.max(startMs, v));
  let cursor = startMs;
  if (finite(t.queueMs)) {
    const q = clip(startMs + t.queueMs);
    out.push(['queue', cursor, q]);
    cursor = q;
  }
  let firstToken: number | null = null;
  if (finite(t.ttftMs)) firstToken = clip(startMs + t.ttftMs);
  else if (finite(t.prefillMs)) firstToken = clip(cursor + t.prefillMs);
  if (firstToken !== null && firstToken > cursor) {
    out.push(['prefill', cursor, firstToken]);
    cursor = firstToken;
  }
  if (firstToken !== null) {
    // Decode runs to the end unless the server says how long it took (then the rest is llm:
    // response transfer, detokenization, client-side overhead).
    const decodeEnd = finite(t.decodeMs) && !finite(t.ttftMs) ? clip(cursor + t.decodeMs) : endMs;
    out.push(['decode', cursor, decodeEnd]);
    cursor = decodeEnd;
  } else if (finite(t.decodeMs)) {
    const d = clip(cursor + t.decodeMs);
    // Prefill unknown: the gap between queue and decode stays llm, decode is the last part.
    out.push(['llm', cursor, Math.max(cursor, endMs - (d - cursor))]);
    out.push(['decode', Math.max(cursor, endMs - (d - cursor)), endMs]);
    cursor = endMs;
  }
  if (cursor < endMs) out.push(['llm', cursor, endMs]);
  return out;
}

function stageOfCategory(span: StageSpan): Stage {
  switch (span.category) {
    case 'retrieval':
      return 'retrieval';
    case 'tool':
      return 'tool';
    case 'llm':
      return 'llm';
    default:
      return 'own';
  }
}

/**
 * Critical-path time per stage of one request (methods.md D2 + D1): the critical path (Jaeger's
 * walk, so parallel children are not double counted) gives each span its blocking self-time
 * segments; a model call's segments are split by its phases (llmPhases), other spans' by their
 * category. O(n log n) in spans.
 */
export function requestStages(spans: readonly StageSpan[]): RequestStages {
  const tree = buildSpanTree(spans);
  const cp = criticalPath(spans, tree);
  const stages = zeroStages();
  const phaseCache = new Map<string, Interval[]>();
  for (const seg of cp.segments) {
    const span = tree.byId.get(seg.spanId)?.span as StageSpan | undefined;
    if (!span) continue;
    const stage = stageOfCategory(span);
    if (stage !== 'llm') {
      stages[stage] += seg.endMs - seg.startMs;
      continue;
    }
    let phases = phaseCache.get(span.spanId);
    if (!phases) {
      phases = llmPhases(span.startMs, Math.max(span.startMs, span.endMs), span.timing);
      phaseCache.set(span.spanId, phases);
    }
    let covered = 0;
    for (const [phase, a, b] of phases) {
      const ms = Math.min(b, seg.endMs) - Math.max(a, seg.startMs);
      if (ms > 0) {
        stages[phase] += ms;
        covered += ms;
      }
    }
    // A segment outside the span's own bounds (clipped child quirks) still counts, as llm.
    const rest = seg.endMs - seg.startMs - covered;
    if (rest > 1e-9) stages.llm += rest;
  }
  return { stages, totalMs: cp.totalMs, spanIds: cp.spanIds, selfTimeBySpan: cp.selfTimeBySpan };
}
