import { describe, expect, it } from 'vitest';
import { flatten, researchTrace, rng, shuffle, span, T0 } from './test-fixtures.ts';
import { buildSpanTree, nearestAgent, preorder, primaryRoot, type SpanTree } from './tree.ts';
import type { TraceSpan } from './types.ts';

const shape = (tree: SpanTree): string[] =>
  preorder(tree).map((n) => `${'  '.repeat(n.depth)}${n.span.spanId}`);

describe('buildSpanTree', () => {
  it('builds the forest with children sorted by start and depths', () => {
    const tree = buildSpanTree(researchTrace());
    expect(tree.roots.map((r) => r.span.spanId)).toEqual(['orch']);
    expect(shape(tree)).toEqual([
      'orch',
      '  o-llm1',
      '  plan',
      '    p-llm',
      '  res',
      '    r-llm1',
      '    r-search1',
      '    r-search2',
      '    r-ret',
      '    r-llm2',
      '      r-llm2-http',
      '  wri',
      '    w-llm',
      '  o-llm2',
    ]);
    expect(tree.byId.get('r-llm2-http')!.parent!.span.spanId).toBe('r-llm2');
  });

  it('does not depend on input order', () => {
    const spans = researchTrace();
    const expected = shape(buildSpanTree(spans));
    const rand = rng(7);
    for (let i = 0; i < 20; i++) expect(shape(buildSpanTree(shuffle(spans, rand)))).toEqual(expected);
  });

  it('makes spans with a missing parent roots (incomplete trace)', () => {
    const spans = researchTrace().filter((s) => s.spanId !== 'res');
    const tree = buildSpanTree(spans);
    expect(tree.roots.map((r) => r.span.spanId)).toEqual(['orch', 'r-llm1', 'r-search1', 'r-search2', 'r-ret', 'r-llm2']);
    expect(tree.byId.get('r-llm2-http')!.depth).toBe(1);
    expect(primaryRoot(tree)!.span.spanId).toBe('orch');
  });

  it('keeps the first of duplicate span ids and reports them', () => {
    const spans = researchTrace();
    const dup: TraceSpan = { ...spans[1]!, name: 'second copy' };
    const tree = buildSpanTree([...spans, dup]);
    expect(tree.byId.size).toBe(spans.length);
    expect(tree.byId.get('o-llm1')!.span.name).toBe('chat gpt-4o');
    expect(tree.duplicateSpanIds).toEqual(['o-llm1']);
    expect(preorder(tree)).toHaveLength(spans.length);
  });

  it('breaks parent cycles and self-parents at the earliest-starting span', () => {
    const spans = flatten([span('a', 'chain', 'a', [0, 10]), span('b', 'chain', 'b', [5, 8]), span('c', 'chain', 'c', [6, 7])], {
      a: { parentSpanId: 'c' },
      b: { parentSpanId: 'a' },
      c: { parentSpanId: 'b' },
    });
    spans.push({ ...spans[0]!, spanId: 'self', parentSpanId: 'self', startMs: T0 + 20, endMs: T0 + 30 });
    const tree = buildSpanTree(spans);
    expect(tree.cycleBrokenSpanIds).toEqual(['a']);
    expect(shape(tree)).toEqual(['a', '  b', '    c', 'self']);
  });

  it('handles very deep traces without recursion', () => {
    const n = 50_000;
    const spans = flatten(span('s0', 'chain', 's0', [0, n]));
    for (let i = 1; i < n; i++) spans.push({ ...spans[0]!, spanId: `s${i}`, parentSpanId: `s${i - 1}`, startMs: T0 + i, endMs: T0 + n });
    const tree = buildSpanTree(spans);
    expect(tree.byId.get(`s${n - 1}`)!.depth).toBe(n - 1);
    expect(preorder(tree)).toHaveLength(n);
  });

  it('finds the nearest agent on the ancestor chain', () => {
    const tree = buildSpanTree(researchTrace());
    expect(nearestAgent(tree.byId.get('r-llm2-http')!)!.span.spanId).toBe('res');
    expect(nearestAgent(tree.byId.get('res')!)!.span.spanId).toBe('res');
    expect(nearestAgent(tree.byId.get('res')!, false)!.span.spanId).toBe('orch');
    expect(nearestAgent(tree.byId.get('orch')!, false)).toBeNull();
  });
});
