import { describe, expect, it } from 'vitest';
import { decodeTraceRequestJson } from '@plumb/otlp';
import { PriceCatalog } from '@plumb/pricing';
import { DEFAULT_SEMCONV_OPTIONS } from '@plumb/semconv';
import { convertRequest, type ConvertOptions } from './convert.ts';

/** Issue 9 (found in a load test: 238k spans unpriced): the response model is a version the
 *  catalog does not know, the request model is priced → the span is priced by the request model
 *  and its price id says so. */
const OPTS: ConvertOptions = { semconv: DEFAULT_SEMCONV_OPTIONS, maxAttributeLength: 1024, maxTextLength: 1024 };
const START_NS = 1_780_000_000_000_000_000n;
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const int = (key: string, v: number) => ({ key, value: { intValue: String(v) } });

describe('convert prices the request model when the response model is unknown', () => {
  it('gpt-4o-2025 served for a gpt-4o request is priced as gpt-4o', () => {
    const body = {
      resourceSpans: [{ scopeSpans: [{ spans: [{
        traceId: '5b8efff798038103d269b633813fc60c', spanId: 'aaaaaaaaaaaaaaa1', name: 'chat gpt-4o', kind: 3,
        startTimeUnixNano: START_NS.toString(), endTimeUnixNano: (START_NS + 1_000_000n).toString(),
        attributes: [
          str('gen_ai.operation.name', 'chat'), str('gen_ai.system', 'openai'), str('gen_ai.provider.name', 'openai'),
          str('gen_ai.request.model', 'gpt-4o'), str('gen_ai.response.model', 'gpt-4o-2025'),
          int('gen_ai.usage.input_tokens', 1000), int('gen_ai.usage.output_tokens', 500),
        ],
      }] }] }],
    };
    const { rows } = convertRequest(decodeTraceRequestJson(JSON.stringify(body)), 'p', new PriceCatalog(), OPTS, 0);
    const row = rows[0]!;
    expect(row.pricingStatus).toBe('priced');
    expect(row.priceId).toBe('genai-prices:openai/gpt-4o@request-model');
    expect(row.costUsd).toBe('0.007500000000');
  });
});

describe('convert: a self-hosted model priced per GPU-hour (issue 9)', () => {
  it('is stored as gpu_hour with the override id and $0 per token, never as unpriced', () => {
    const body = {
      resourceSpans: [{ scopeSpans: [{ spans: [{
        traceId: '5b8efff798038103d269b633813fc60d', spanId: 'aaaaaaaaaaaaaaa2', name: 'chat llama', kind: 3,
        startTimeUnixNano: START_NS.toString(), endTimeUnixNano: (START_NS + 1_000_000n).toString(),
        attributes: [
          str('gen_ai.operation.name', 'chat'), str('gen_ai.provider.name', 'vllm'),
          str('gen_ai.request.model', 'meta-llama/Llama-3.1-8B-Instruct'), str('gen_ai.response.model', 'meta-llama/Llama-3.1-8B-Instruct'),
          int('gen_ai.usage.input_tokens', 1000), int('gen_ai.usage.output_tokens', 500),
        ],
      }] }] }],
    };
    const req = decodeTraceRequestJson(JSON.stringify(body));
    expect(convertRequest(req, 'p', new PriceCatalog(), OPTS, 0).rows[0]!.pricingStatus).toBe('unpriced');
    const catalog = new PriceCatalog([{ id: 'llama-gpu', provider: 'vllm', modelPattern: 'meta-llama/*', effectiveFrom: 0, unit: 'gpu_hour', inputPerMTok: '', outputPerMTok: '' }]);
    const row = convertRequest(req, 'p', catalog, OPTS, 0).rows[0]!;
    expect(row.pricingStatus).toBe('gpu_hour');
    expect(row.priceId).toBe('override:llama-gpu');
    expect(row.costUsd).toBe('0.000000000000');
  });
});
