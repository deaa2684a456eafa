import { PriceCatalog } from '@plumb/pricing';
import { hexId, otlpJson, type JsonSpanSpec } from '../testing.ts';

/**
 * The workload of the exact-cost tests (issue 9 item 2): traces of three model calls under a
 * root that carries the tenant, with tiered prices, an unknown response version (priced by the
 * request model), an unpriced model and cache reads, plus what each (tenant, model) must cost
 * by the catalog, to the picodollar. Seeded: the same batches every run.
 */
export const HOUR = 3_600_000;
const MODELS: [string, string, string][] = [
  ['openai', 'gpt-4o', 'gpt-4o-2025'], // unknown response version → priced by request model
  ['openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
  ['anthropic', 'claude-sonnet-4-5', 'claude-sonnet-4-5'],
  ['vllm', 'house-llm', 'house-llm'], // unpriced
];
const TENANTS = ['acme', 'globex', ''];

export interface CostWorkload {
  /** One OTLP/JSON body per trace (root and its calls). */
  batches: string[];
  /** The same traces as two bodies each: the calls alone (no tenant), then the root with the tenant. */
  children: string[];
  roots: string[];
  /** tenant|model → picodollars (non-zero only). */
  want: Map<string, bigint>;
  calls: number;
}

export function costWorkload(base: number, traces: number, seed: number): CostWorkload {
  let s = seed;
  const rand = (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
  const catalog = new PriceCatalog();
  const out: CostWorkload = { batches: [], children: [], roots: [], want: new Map(), calls: 0 };
  for (let t = 0; t < traces; t++) {
    const traceId = hexId(16);
    const root = hexId(8);
    const tenant = TENANTS[rand(TENANTS.length)]!;
    const at = base + rand(4 * HOUR);
    const rootSpan: JsonSpanSpec = { traceId, spanId: root, name: 'handle', startMs: at, durationMs: 2000, attributes: { ...(tenant ? { 'tenant.id': tenant } : {}), 'plumb.request_type': 'chat' } };
    const calls: JsonSpanSpec[] = [];
    for (let i = 0; i < 3; i++) {
      const [provider, requestModel, responseModel] = MODELS[rand(MODELS.length)]!;
      const input = rand(300_000);
      const cacheRead = rand(Math.max(1, Math.floor(input / 2)));
      const output = rand(3000);
      const startMs = at + 10 + i * 100;
      calls.push({
        traceId, spanId: hexId(8), parentSpanId: root, name: `chat ${requestModel}`, startMs, durationMs: 90,
        attributes: {
          'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': provider, 'gen_ai.request.model': requestModel, 'gen_ai.response.model': responseModel,
          'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output, 'gen_ai.usage.cache_read.input_tokens': cacheRead,
        },
      });
      const cost = catalog.costForSpan(provider, responseModel, requestModel, startMs, { inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, cacheWriteTokens: 0, reasoningTokens: 0 });
      const key = `${tenant}|${requestModel}`;
      out.want.set(key, (out.want.get(key) ?? 0n) + cost.costPico);
      out.calls++;
    }
    out.batches.push(otlpJson([rootSpan, ...calls]));
    out.children.push(otlpJson(calls));
    out.roots.push(otlpJson([rootSpan]));
  }
  for (const [k, v] of out.want) if (v === 0n) out.want.delete(k);
  return out;
}
