/** Span categories as normalised by @plumb/semconv. */
export type Category = 'llm' | 'agent' | 'tool' | 'retrieval' | 'chain' | 'other';

export const CATEGORIES: readonly Category[] = ['llm', 'agent', 'tool', 'retrieval', 'chain', 'other'];

/** One span of a trace, as the trace view and REST API receive it from the store. */
export interface TraceSpan {
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  traceId: string;
  name: string;
  service: string;
  /** Epoch milliseconds as floats (µs precision is enough). */
  startMs: number;
  endMs: number;
  status: 'ok' | 'error' | 'unset';
  statusMessage: string;
  errorType: string;
  category: Category;
  operation: string;
  agent: string;
  tool: string;
  model: string;
  provider: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** 0 when unpriced or not a counted usage span. */
  costUsd: number;
  /** True for the one span per model call whose tokens/cost count (avoids double counting wrappers). */
  usageCounted: boolean;
  links: { traceId: string; spanId: string }[];
}

export function zeroByCategory(): Record<Category, number> {
  return { llm: 0, agent: 0, tool: 0, retrieval: 0, chain: 0, other: 0 };
}

export function durationMs(span: TraceSpan): number {
  return Math.max(0, span.endMs - span.startMs);
}
