import { PriceCatalog, usdToPico } from '@plumb/pricing';
import { PROMOTED_ATTRIBUTES, SPAN_COLUMNS } from '@plumb/store';
import { describe, expect, it } from 'vitest';
import { SpanRowWriter } from './rows.ts';
import { generateTraces } from './scenario.ts';

const col = (name: string) => SPAN_COLUMNS.indexOf(name);
const START = Date.UTC(2026, 9, 1, 12);

function rows(mode: 'full' | 'lean') {
  const traces = generateTraces(99, 300);
  const writer = new SpanRowWriter('p1', new PriceCatalog(), START, mode);
  const lines: string[] = [];
  for (const t of traces) writer.write(t, START, lines);
  return { traces, writer, parsed: lines.map((l) => JSON.parse(l) as unknown[]) };
}

describe('SpanRowWriter', () => {
  const { traces, writer, parsed } = rows('full');

  it('writes one row per span with every column, trace context on each row', () => {
    expect(parsed).toHaveLength(traces.reduce((n, t) => n + t.spans.length, 0));
    expect(writer.totals.spans).toBe(parsed.length);
    for (const r of parsed) {
      expect(r).toHaveLength(SPAN_COLUMNS.length);
      expect(r[col('project_id')]).toBe('p1');
      expect(r[col('tenant')]).not.toBe('');
      expect(r[col('request_type')]).not.toBe('');
      expect(r[col('context_resolved')]).toBe(true);
    }
    const first = traces[0]!;
    const root = parsed[0]!;
    expect(root[col('trace_id')]).toBe(first.traceId);
    expect(root[col('tenant')]).toBe(first.tenant);
    expect(root[col('start_time')]).toBe(`${START / 1000}.000000000`);
  });

  it('prices chat spans exactly and sums the cost it wrote', () => {
    let sum = 0n;
    for (const r of parsed) {
      sum += usdToPico(String(r[col('cost_usd')]));
      const status = r[col('pricing_status')];
      if (r[col('operation')] !== 'chat') expect(status).toBe('none');
      if (r[col('provider')] === 'vllm' && r[col('status_code')] === 'ok') expect(status).toBe('unpriced');
      if (r[col('provider')] === 'anthropic' && r[col('status_code')] === 'ok') expect(status).toBe('priced');
    }
    expect(sum).toBe(writer.totals.costPico);
    expect(sum).toBeGreaterThan(0n);
  });

  it('records the timeout as an exception event on the failed span', () => {
    const failed = parsed.filter((r) => r[col('error_type')] === 'timeout' && r[col('operation')] === 'execute_tool');
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) {
      const events = r[col('events')] as { time: string; name: string; attributes: Record<string, string> }[];
      expect(events).toHaveLength(1);
      expect(events[0]!.name).toBe('exception');
      expect(events[0]!.time).toBe(r[col('end_time')]);
      expect(events[0]!.attributes['exception.type']).toBe('timeout');
    }
  });

  it('keeps all attributes in full mode (promoted ones recoverable) and only the non-column ones in lean mode', () => {
    const chatFull = parsed.find((r) => r[col('operation')] === 'chat' && r[col('status_code')] === 'ok')!;
    const fullKeys = Object.keys(chatFull[col('attributes')] as object);
    expect(fullKeys).toEqual(expect.arrayContaining(['server.address', 'gen_ai.response.finish_reasons']));
    // As the collector stores them: keys a column holds are flagged in attributes_promoted instead.
    const mask = chatFull[col('attributes_promoted')] as number;
    const promoted = PROMOTED_ATTRIBUTES.filter((_, i) => mask & (1 << i)).map((p) => p.key);
    expect(promoted).toEqual(expect.arrayContaining(['gen_ai.request.model', 'gen_ai.usage.input_tokens']));
    expect(fullKeys).not.toContain('gen_ai.request.model');
    const lean = rows('lean').parsed;
    const chatLean = lean.find((r) => r[col('operation')] === 'chat' && r[col('status_code')] === 'ok')!;
    const keys = Object.keys(chatLean[col('attributes')] as object);
    expect(keys).toContain('server.address');
    expect(keys).not.toContain('gen_ai.usage.input_tokens');
    expect(Object.keys(lean[0]![col('attributes')] as object)).not.toContain('tenant.id');
    expect(lean.map((r) => r[col('cost_usd')])).toEqual(parsed.map((r) => r[col('cost_usd')]));
  });
});
