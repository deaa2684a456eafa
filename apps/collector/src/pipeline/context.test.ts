import { describe, expect, it } from 'vitest';
import type { SpanRow } from '@plumb/store';
import { ContextStage } from './context.ts';
import type { ContextCorrection, QueuedRow } from './types.ts';

function row(traceId: string, spanId: string, parent: string, extra: Partial<SpanRow> = {}): QueuedRow {
  return {
    segment: 1,
    row: {
      projectId: 'p', traceId, spanId, parentSpanId: parent, name: parent ? 'chat' : 'handle_request', tenant: '', requestType: '', category: 'llm', agentName: '',
      sessionId: '', userId: '', startTimeUnixNano: 1_000n, version: 5, contextResolved: false, ...extra,
    } as SpanRow,
  };
}

function setup(holdMs = 1000) {
  const emitted: QueuedRow[] = [];
  const corrections: ContextCorrection[] = [];
  const stage = new ContextStage({ holdMs, maxTraces: 100, maxHeldRows: 1000 }, (r) => emitted.push(...r), (c) => corrections.push(c));
  return { stage, emitted, corrections };
}

describe('ContextStage', () => {
  it('holds children until the root arrives, then copies its tenant onto them', () => {
    const { stage, emitted, corrections } = setup();
    stage.push([row('t1', 'a', 'r'), row('t1', 'b', 'a')], 0);
    expect(emitted).toHaveLength(0);
    expect(stage.held).toBe(2);
    stage.push([row('t1', 'r', '', { tenant: 'acme', requestType: 'chat' })], 500);
    expect(emitted.map((q) => [q.row.spanId, q.row.tenant, q.row.requestType, q.row.contextResolved])).toEqual([
      ['a', 'acme', 'chat', true],
      ['b', 'acme', 'chat', true],
      ['r', 'acme', 'chat', true],
    ]);
    expect(stage.held).toBe(0);
    expect(corrections).toEqual([]);
    // Resolved rows outrank unresolved copies of the same span.
    expect(emitted[0]!.row.version).toBeGreaterThan(2 ** 42);
  });

  it('falls back to the root span name for the request type', () => {
    const { stage, emitted } = setup();
    stage.push([row('t2', 'r', '', { tenant: 'globex' })], 0);
    expect(emitted[0]!.row.requestType).toBe('handle_request');
  });

  it('writes unresolved rows when the hold expires and corrects them when the root comes late', () => {
    const { stage, emitted, corrections } = setup(1000);
    stage.push([row('t3', 'a', 'r', { startTimeUnixNano: 2_000n }), row('t3', 'b', 'r', { startTimeUnixNano: 3_000n })], 0);
    stage.tick(999);
    expect(emitted).toHaveLength(0);
    stage.tick(1001);
    expect(emitted.map((q) => [q.row.spanId, q.row.tenant, q.row.contextResolved])).toEqual([
      ['a', '', false],
      ['b', '', false],
    ]);
    stage.push([row('t3', 'r', '', { tenant: 'initech', requestType: 'report' })], 5000);
    expect(corrections).toEqual([
      { projectId: 'p', traceId: 't3', context: { tenant: 'initech', requestType: 'report', sessionId: '', userId: '' }, fromNs: 2_000n, toNs: 3_000n },
    ]);
    expect(emitted.at(-1)!.row.tenant).toBe('initech');
  });

  it('resolves without the root when a span carries tenant and request type', () => {
    const { stage, emitted } = setup();
    stage.push([row('t4', 'a', 'r', { tenant: 'hooli', requestType: 'chat' }), row('t4', 'b', 'r')], 0);
    expect(emitted.map((q) => q.row.tenant)).toEqual(['hooli', 'hooli']);
  });

  it('bounds held rows', () => {
    const emitted: QueuedRow[] = [];
    const stage = new ContextStage({ holdMs: 60_000, maxTraces: 100, maxHeldRows: 3 }, (r) => emitted.push(...r), () => {});
    stage.push([row('x1', 'a', 'r'), row('x2', 'a', 'r'), row('x3', 'a', 'r'), row('x4', 'a', 'r')], 0);
    expect(stage.held).toBeLessThanOrEqual(3);
    expect(emitted[0]!.row.traceId).toBe('x1');
  });

  it('drains everything at shutdown', () => {
    const { stage, emitted } = setup(60_000);
    stage.push([row('t5', 'a', 'r')], 0);
    stage.drain();
    expect(emitted).toHaveLength(1);
    expect(stage.held).toBe(0);
  });
});

describe('agent attribution', () => {
  it('gives LLM and tool spans the name of their nearest agent ancestor', () => {
    const { stage, emitted } = setup();
    stage.push(
      [
        row('g1', 'llm1', 'ag1', { category: 'llm' }),
        row('g1', 'tool1', 'wrap', { category: 'tool' }),
        row('g1', 'wrap', 'ag1', { category: 'chain' }),
        row('g1', 'ag1', 'root', { category: 'agent', agentName: 'researcher' }),
        row('g1', 'llm0', 'root', { category: 'llm' }),
      ],
      0,
    );
    expect(emitted).toHaveLength(0);
    stage.push([row('g1', 'root', '', { category: 'agent', agentName: 'orchestrator', tenant: 'acme' })], 10);
    const agentOf = Object.fromEntries(emitted.map((q) => [q.row.spanId, q.row.agentName]));
    expect(agentOf).toEqual({ llm1: 'researcher', tool1: 'researcher', wrap: 'researcher', ag1: 'researcher', llm0: 'orchestrator', root: 'orchestrator' });
  });

  it('keeps an agent name the span already has', () => {
    const { stage, emitted } = setup();
    stage.push([row('g2', 'a', 'r', { category: 'llm', agentName: 'writer' }), row('g2', 'r', '', { category: 'agent', agentName: 'boss' })], 0);
    expect(emitted.find((q) => q.row.spanId === 'a')!.row.agentName).toBe('writer');
  });
});
