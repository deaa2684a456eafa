import { describe, expect, it } from 'vitest';
import { attrToString, decodeTraceRequestJson, decodeTraceRequestProtobuf } from '@plumb/otlp';
import { PriceCatalog } from '@plumb/pricing';
import { DEFAULT_SEMCONV_OPTIONS } from '@plumb/semconv';
import { promoteAttributes, restoreAttributes } from '@plumb/store';
import { benchSpans, toProtobuf } from '../../../../packages/otlp/src/testing/otel-fixtures.ts';
import { convertRequest, type ConvertOptions } from './convert.ts';

/*
 * convert flattens a span's attributes and leaves out the promoted ones in one pass. The stored
 * map and mask must be exactly what the store's rule gives (promoteAttributes over the whole
 * flattened map, the two-pass path this replaced), key order included: the serialized row is
 * the same bytes.
 */
const OPTS: ConvertOptions = { semconv: DEFAULT_SEMCONV_OPTIONS, maxAttributeLength: 16_384, maxTextLength: 32_768 };

describe('convert: attributes flattened and promoted in one pass', () => {
  it('gives the map and mask of promoteAttributes on real OTel SDK batches', () => {
    const req = decodeTraceRequestProtobuf(toProtobuf(benchSpans(128)));
    const spans = req.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    const { rows } = convertRequest(req, 'p', new PriceCatalog(), OPTS, 1);
    expect(rows).toHaveLength(128);
    let promoted = 0;
    rows.forEach((row, i) => {
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(spans[i]!.attributes)) flat[k] = attrToString(v);
      const twoPass = promoteAttributes(flat, row);
      expect(JSON.stringify(row.attributes)).toBe(JSON.stringify(twoPass.attributes));
      expect(row.attributesPromoted).toBe(twoPass.promoted);
      expect(restoreAttributes(row.attributes, row.attributesPromoted, row)).toEqual(flat);
      if (row.attributesPromoted) promoted++;
    });
    expect(promoted).toBe(128); // every bench span has promotable keys
  });

  it('keeps a key whose text differs from its column, and compares truncated values', () => {
    const body = {
      resourceSpans: [{ scopeSpans: [{ spans: [{
        traceId: '5b8efff798038103d269b633813fc60c', spanId: 'aaaaaaaaaaaaaaa1', name: 'chat', kind: 3,
        startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001000000000',
        attributes: [
          { key: 'gen_ai.usage.input_tokens', value: { stringValue: '012' } }, // column 12, text differs
          { key: 'gen_ai.usage.output_tokens', value: { intValue: '7' } },
          { key: 'gen_ai.request.model', value: { stringValue: 'm'.repeat(40) } },
          { key: 'other', value: { stringValue: 'x' } },
        ],
      }] }] }],
    };
    const { rows } = convertRequest(decodeTraceRequestJson(JSON.stringify(body)), 'p', new PriceCatalog(), { ...OPTS, maxAttributeLength: 16 }, 1);
    const row = rows[0]!;
    expect(row.inputTokens).toBe(12);
    expect(Object.keys(row.attributes)).toEqual(['gen_ai.usage.input_tokens', 'gen_ai.request.model', 'other']);
    expect(row.attributes['gen_ai.request.model']).toBe('m'.repeat(16));
    expect(restoreAttributes(row.attributes, row.attributesPromoted, row)['gen_ai.usage.output_tokens']).toBe('7');
  });
});
