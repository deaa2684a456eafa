import { describe, expect, it } from 'vitest';
import { agent, flatten, llm, span, T0, tool } from '../test-fixtures.ts';
import { llmPhases, requestStages, STAGES, type StageSpan } from './stages.ts';

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

describe('llmPhases', () => {
  it('splits queue, prefill (TTFT counts from arrival) and decode', () => {
    expect(llmPhases(0, 1000, { queueMs: 100, ttftMs: 300, prefillMs: null, decodeMs: null })).toEqual([
      ['queue', 0, 100],
      ['prefill', 100, 300],
      ['decode', 300, 1000],
    ]);
  });
  it('lays vLLM prefill and decode end to end without TTFT; the rest stays llm', () => {
    expect(llmPhases(0, 1000, { queueMs: 50, ttftMs: null, prefillMs: 150, decodeMs: 500 })).toEqual([
      ['queue', 0, 50],
      ['prefill', 50, 200],
      ['decode', 200, 700],
      ['llm', 700, 1000],
    ]);
  });
  it('is all llm without timing, and clips absurd attributes to the span', () => {
    expect(llmPhases(0, 400, undefined)).toEqual([['llm', 0, 400]]);
    expect(llmPhases(0, 400, { queueMs: 9e9, ttftMs: null, prefillMs: null, decodeMs: null })).toEqual([['queue', 0, 400]]);
    expect(llmPhases(0, 400, { queueMs: -5, ttftMs: NaN, prefillMs: null, decodeMs: null })).toEqual([['llm', 0, 400]]);
  });
});

describe('requestStages', () => {
  it('does not double count parallel tool calls and splits the blocking LLM call by its TTFT', () => {
    // root [0,1000]: retrieval [0,100]; llm [100,600] with TTFT 150 (queue 50); tools in parallel
    // [600,800] and [600,900]; root own time [900,1000].
    const spans = flatten(
      agent('root', 'assistant', [0, 1000], [
        span('ret', 'retrieval', 'retrieve', [0, 100]),
        llm('l1', 'gpt-4o', [100, 600], [10, 50, 0]),
        tool('t1', 'search', [600, 800]),
        tool('t2', 'fetch', [600, 900]),
      ]),
    ) as StageSpan[];
    spans.find((s) => s.spanId === 'l1')!.timing = { queueMs: 50, ttftMs: 150, prefillMs: null, decodeMs: null };
    const r = requestStages(spans);
    expect(r.totalMs).toBe(1000);
    expect(r.stages).toEqual({ queue: 50, prefill: 100, decode: 350, llm: 0, retrieval: 100, tool: 300, own: 100 });
    expect(sum(r.stages)).toBeCloseTo(r.totalMs, 9);
  });

  it('follows the critical path into a model server span under the client call', () => {
    const spans = flatten(
      agent('root', 'a', [0, 500], [llm('client', 'm', [0, 500], [1, 1, 0], {}, [llm('server', 'm', [20, 480], [0, 0, 0], { usageCounted: false })])]),
    ) as StageSpan[];
    spans.find((s) => s.spanId === 'server')!.timing = { queueMs: 60, ttftMs: 160, prefillMs: null, decodeMs: null };
    const r = requestStages(spans);
    // client's own 20 + 20 ms are llm (no timing on the client span); the server splits.
    expect(r.stages).toEqual({ queue: 60, prefill: 100, decode: 300, llm: 40, retrieval: 0, tool: 0, own: 0 });
  });

  it('adds up to the root duration on random traces', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 50; t++) {
      const kids = Array.from({ length: 20 }, (_, i) => {
        const a = Math.floor(rand() * 900);
        const b = a + Math.floor(rand() * 300);
        const cat = (['llm', 'tool', 'retrieval', 'chain'] as const)[i % 4]!;
        return span(`s${i}`, cat, 'x', [a, b]);
      });
      const spans = flatten(span('root', 'agent', 'root', [0, 1000], kids)) as StageSpan[];
      for (const s of spans) if (s.category === 'llm') s.timing = { queueMs: rand() * 50, ttftMs: rand() * 200, prefillMs: null, decodeMs: null };
      const r = requestStages(spans);
      expect(sum(r.stages)).toBeCloseTo(1000, 6);
      for (const st of STAGES) expect(r.stages[st]).toBeGreaterThanOrEqual(0);
    }
  });

  it('computes a 5,000-span request well under 50 ms', () => {
    const kids = Array.from({ length: 5000 }, (_, i) => llm(`l${i}`, 'm', [i * 2, i * 2 + 3], [1, 1, 0]));
    const spans = flatten(agent('root', 'a', [0, 10_010], kids)) as StageSpan[];
    for (const s of spans) if (s.category === 'llm') s.timing = { queueMs: 0.5, ttftMs: 1, prefillMs: null, decodeMs: null };
    // Best of 5: the shared CI machine's noise is not the algorithm's cost.
    let best = Infinity;
    let r = requestStages(spans);
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      r = requestStages(spans);
      best = Math.min(best, performance.now() - t);
    }
    expect(best).toBeLessThan(50);
    expect(r.totalMs).toBe(10_010);
    expect(T0).toBeGreaterThan(0);
  });
});
