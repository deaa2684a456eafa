import { describe, expect, it } from 'vitest';
import type { SpanRow } from '@plumb/store';
import { ContextStage } from './context.ts';
import type { QueuedRow } from './types.ts';

function row(traceId: string, spanId: string, parent: string, extra: Partial<SpanRow> = {}): QueuedRow {
  return {
    segment: 1,
    row: {
      projectId: 'p', traceId, spanId, parentSpanId: parent, isRoot: parent === '', name: parent ? 'chat' : 'handle_request', tenant: '', requestType: '', route: '',
      category: 'llm', agentName: '', sessionId: '', userId: '', startTimeUnixNano: 1_000n, version: 5, contextResolved: false, attributes: {}, ...extra,
    } as SpanRow,
  };
}

function setup(holdMs = 1000) {
  const emitted: QueuedRow[] = [];
  const stage = new ContextStage({ holdMs, maxHeldRows: 1000, maxBytes: 1 << 20 }, (r) => emitted.push(...r));
  return { stage, emitted };
}

describe('ContextStage', () => {
  it('holds children until the root arrives, then copies its tenant onto them', () => {
    const { stage, emitted } = setup();
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
    // Resolved rows outrank unresolved copies of the same span.
    expect(emitted[0]!.row.version).toBeGreaterThan(2 ** 42);
  });

  it('falls back to the root span name for the request type', () => {
    const { stage, emitted } = setup();
    stage.push([row('t2', 'r', '', { tenant: 'globex' })], 0);
    expect(emitted[0]!.row.requestType).toBe('handle_request');
  });

  it('writes unresolved rows when the hold expires; the late root still gets the context (the store corrects the rest)', () => {
    const { stage, emitted } = setup(1000);
    stage.push([row('t3', 'a', 'r', { startTimeUnixNano: 2_000n }), row('t3', 'b', 'r', { startTimeUnixNano: 3_000n })], 0);
    stage.tick(999);
    expect(emitted).toHaveLength(0);
    stage.tick(1001);
    expect(emitted.map((q) => [q.row.spanId, q.row.tenant, q.row.contextResolved])).toEqual([
      ['a', '', false],
      ['b', '', false],
    ]);
    stage.push([row('t3', 'r', '', { tenant: 'initech', requestType: 'report' })], 5000);
    expect(emitted.at(-1)!.row).toMatchObject({ tenant: 'initech', requestType: 'report', contextResolved: true });
  });

  it('resolves without the root when a span carries tenant and request type', () => {
    const { stage, emitted } = setup();
    stage.push([row('t4', 'a', 'r', { tenant: 'hooli', requestType: 'chat' }), row('t4', 'b', 'r')], 0);
    expect(emitted.map((q) => q.row.tenant)).toEqual(['hooli', 'hooli']);
  });

  it('bounds held rows', () => {
    const emitted: QueuedRow[] = [];
    const stage = new ContextStage({ holdMs: 60_000, maxHeldRows: 3, maxBytes: 1 << 20 }, (r) => emitted.push(...r));
    stage.push([row('x1', 'a', 'r'), row('x2', 'a', 'r'), row('x3', 'a', 'r'), row('x4', 'a', 'r')], 0);
    expect(stage.held).toBeLessThanOrEqual(3);
    expect(emitted[0]!.row.traceId).toBe('x1');
  });

  it('treats a span whose parent is remote (isRoot with a parent id) as the root', () => {
    const { stage, emitted } = setup(60_000);
    stage.push([row('t6', 'a', 'entry'), row('t6', 'entry', 'gateway', { isRoot: true, name: 'POST /chat', tenant: 'remote-co' })], 0);
    expect(stage.held).toBe(0);
    expect(emitted.map((q) => [q.row.spanId, q.row.tenant, q.row.requestType, q.row.contextResolved])).toEqual([
      ['a', 'remote-co', 'POST /chat', true],
      ['entry', 'remote-co', 'POST /chat', true],
    ]);
  });

  it('sets the route of every span: the root http.route, else the root span name', () => {
    const { stage, emitted } = setup();
    stage.push([row('t7', 'a', 'r'), row('t7', 'r', '', { attributes: { 'http.route': '/v1/chat/:id' } })], 0);
    stage.push([row('t8', 'a', 'r'), row('t8', 'r', '', { name: 'nightly_batch' })], 0);
    expect(emitted.map((q) => [q.row.traceId, q.row.spanId, q.row.route])).toEqual([
      ['t7', 'a', '/v1/chat/:id'],
      ['t7', 'r', '/v1/chat/:id'],
      ['t8', 'a', 'nightly_batch'],
      ['t8', 'r', 'nightly_batch'],
    ]);
  });

  it('applies a tenant that arrives after the root resolved the trace without one (defect 4a)', () => {
    const { stage, emitted } = setup();
    stage.push([row('t9', 'r', '', { requestType: 'chat' }), row('t9', 'a', 'r')], 0);
    expect(emitted.map((q) => q.row.tenant)).toEqual(['', '']);
    stage.push([row('t9', 'b', 'r', { tenant: 'late-co', startTimeUnixNano: 2_000n }), row('t9', 'c', 'b', { startTimeUnixNano: 3_000n })], 10);
    expect(emitted.slice(2).map((q) => [q.row.spanId, q.row.tenant, q.row.requestType])).toEqual([
      ['b', 'late-co', 'chat'],
      ['c', 'late-co', 'chat'],
    ]);
  });

  it('prefers the root over other spans, and the earliest span among equals (the store rule)', () => {
    const { stage, emitted } = setup();
    stage.push([row('t10', 'a', 'r', { tenant: 'child-b', startTimeUnixNano: 5_000n }), row('t10', 'b', 'r', { tenant: 'child-a', startTimeUnixNano: 4_000n })], 0);
    stage.push([row('t10', 'r', '', { sessionId: 's-1' })], 10);
    // The root carries no tenant: the earliest span's (b) wins; the root resolves the trace.
    expect(emitted.find((q) => q.row.spanId === 'r')!.row).toMatchObject({ tenant: 'child-a', sessionId: 's-1' });
    const { stage: s2, emitted: e2 } = setup();
    s2.push([row('t11', 'a', 'r', { tenant: 'from-child', requestType: 'x' })], 0);
    s2.push([row('t11', 'r', '', { tenant: 'from-root' }), row('t11', 'c', 'r')], 10);
    expect(e2.map((q) => [q.row.spanId, q.row.tenant])).toEqual([
      ['a', 'from-child'], // its own tenant
      ['r', 'from-root'],
      ['c', 'from-root'],
    ]);
  });

  it('evicts traces past its byte budget, holds last, and accounts their bytes', () => {
    const emitted: QueuedRow[] = [];
    const stage = new ContextStage({ holdMs: 60_000, maxHeldRows: 1_000_000, maxBytes: 64 * 1024 }, (r) => emitted.push(...r));
    // 200 rootless traces of 10 spans each: all held (no root), far more state than 64 KiB.
    for (let t = 0; t < 200; t++) {
      stage.push(Array.from({ length: 10 }, (_, i) => row(`e${t}`, `s${i}`, i === 0 ? 'remote' : 's0')), t);
    }
    expect(stage.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(stage.evicted).toBeGreaterThan(0);
    // What was evicted while holding rows was written out (unresolved), never dropped.
    expect(emitted.length + stage.held).toBe(2000);
    expect(emitted.every((q) => !q.row.contextResolved)).toBe(true);
    // A trace evicted and seen again starts afresh and still resolves from its root.
    stage.push([row('e0', 'root', '', { tenant: 'back' })], 1000);
    expect(emitted.at(-1)!.row).toMatchObject({ spanId: 'root', tenant: 'back', contextResolved: true });
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
