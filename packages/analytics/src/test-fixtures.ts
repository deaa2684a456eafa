// Test-only helpers (not exported from index.ts): build realistic traces as nested specs with
// times relative to T0, then flatten them into TraceSpan rows.
import type { Category, TraceSpan } from './types.ts';

export const T0 = 1_700_000_000_000;

export interface Spec {
  span: Partial<TraceSpan> & { spanId: string; category: Category; name: string };
  start: number;
  end: number;
  kids: Spec[];
}

type Extra = Partial<TraceSpan>;

export function agent(id: string, name: string, [start, end]: [number, number], kids: Spec[] = [], extra: Extra = {}): Spec {
  return { span: { spanId: id, category: 'agent', name: `invoke_agent ${name}`, agent: name, operation: 'invoke_agent', ...extra }, start, end, kids };
}

/** A priced LLM call (usageCounted unless overridden). */
export function llm(id: string, model: string, [start, end]: [number, number], usage: [number, number, number], extra: Extra = {}, kids: Spec[] = []): Spec {
  const [inputTokens, outputTokens, costUsd] = usage;
  return {
    span: { spanId: id, category: 'llm', name: `chat ${model}`, operation: 'chat', model, provider: 'openai', inputTokens, outputTokens, costUsd, usageCounted: true, ...extra },
    start,
    end,
    kids,
  };
}

export function tool(id: string, toolName: string, [start, end]: [number, number], extra: Extra = {}, kids: Spec[] = []): Spec {
  return { span: { spanId: id, category: 'tool', name: `execute_tool ${toolName}`, operation: 'execute_tool', tool: toolName, ...extra }, start, end, kids };
}

export function span(id: string, category: Category, name: string, [start, end]: [number, number], kids: Spec[] = [], extra: Extra = {}): Spec {
  return { span: { spanId: id, category, name, ...extra }, start, end, kids };
}

/** Flattens specs (pre-order) into spans of one trace; `patch` overrides fields by span id. */
export function flatten(roots: Spec | Spec[], patch: Record<string, Extra> = {}, traceId = 'trace-1'): TraceSpan[] {
  const out: TraceSpan[] = [];
  const visit = (spec: Spec, parentSpanId: string): void => {
    out.push({
      traceId,
      parentSpanId,
      service: 'agent-app',
      status: 'unset',
      statusMessage: '',
      errorType: '',
      operation: '',
      agent: '',
      tool: '',
      model: '',
      provider: '',
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      costUsd: 0,
      usageCounted: false,
      links: [],
      ...spec.span,
      startMs: T0 + spec.start,
      endMs: T0 + spec.end,
      ...patch[spec.span.spanId],
    });
    for (const kid of spec.kids) visit(kid, spec.span.spanId);
  };
  for (const root of Array.isArray(roots) ? roots : [roots]) visit(root, '');
  return out;
}

/**
 * orchestrator [0,1000]
 *   llm o-llm1 gpt-4o [0,100]
 *   planner [100,250] → llm p-llm gpt-4o-mini [110,240]
 *   researcher [250,700]
 *     llm r-llm1 gpt-4o [255,350]
 *     tool r-search1 search [350,500] ∥ tool r-search2 search [350,620] ∥ retrieval r-ret [360,420]
 *     llm r-llm2 gpt-4o [620,690] (client span, not usageCounted) → llm r-llm2-http [622,688]
 *   writer [700,980] → llm w-llm claude-sonnet [705,960]
 *   llm o-llm2 gpt-4o [980,1000]
 */
export function researchSpecs(): Spec {
  return agent('orch', 'orchestrator', [0, 1000], [
    llm('o-llm1', 'gpt-4o', [0, 100], [200, 50, 0.002]),
    agent('plan', 'planner', [100, 250], [llm('p-llm', 'gpt-4o-mini', [110, 240], [300, 120, 0.0003])]),
    agent('res', 'researcher', [250, 700], [
      llm('r-llm1', 'gpt-4o', [255, 350], [500, 80, 0.004]),
      tool('r-search1', 'search', [350, 500], { service: 'search-svc' }),
      tool('r-search2', 'search', [350, 620], { service: 'search-svc' }),
      span('r-ret', 'retrieval', 'vector_search', [360, 420]),
      llm('r-llm2', 'gpt-4o', [620, 690], [900, 200, 0.008], { usageCounted: false }, [
        llm('r-llm2-http', 'gpt-4o', [622, 688], [900, 200, 0.008], { name: 'POST /v1/chat/completions' }),
      ]),
    ]),
    agent('wri', 'writer', [700, 980], [llm('w-llm', 'claude-sonnet', [705, 960], [1200, 600, 0.01], { provider: 'anthropic' })]),
    llm('o-llm2', 'gpt-4o', [980, 1000], [100, 10, 0.0005]),
  ]);
}

export function researchTrace(patch: Record<string, Extra> = {}): TraceSpan[] {
  return flatten(researchSpecs(), patch);
}

/** Deterministic PRNG (mulberry32) for randomised property tests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
