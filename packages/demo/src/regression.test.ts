import { describe, expect, it } from 'vitest';
import { Scenario } from './scenario.ts';
import { applyRegression } from './regression.ts';

describe('applyRegression', () => {
  const find = (model: string, tenant: string) => {
    const sc = new Scenario(11);
    for (let i = 0; i < 2000; i++) {
      const t = sc.next();
      if (t.tenant === tenant && t.spans.some((s) => s.operation === 'chat' && s.status === 'ok' && s.requestModel === model) && !t.failed) return t;
    }
    throw new Error('no such trace');
  };

  it('slows the matching calls by extraMs and keeps the trace consistent', () => {
    const t = find('claude-sonnet-4-20250514', 'acme');
    const before = structuredClone(t);
    const calls = t.spans.filter((s) => s.operation === 'chat' && s.status === 'ok' && s.requestModel === 'claude-sonnet-4-20250514').length;
    expect(applyRegression(t, 1_000, { model: 'claude-sonnet-4-20250514', tenant: 'acme', fromMs: 0, stage: 'prefill', extraMs: 3000 })).toBe(calls);
    expect(t.durationMs).toBeCloseTo(before.durationMs + 3000 * calls, 6);
    // Every child still inside its parent.
    const byId = new Map(t.spans.map((s) => [s.spanId, s]));
    for (const s of t.spans) {
      const p = byId.get(s.parentSpanId);
      if (!p) continue;
      expect(s.startMs).toBeGreaterThanOrEqual(p.startMs);
      expect(s.endMs).toBeLessThanOrEqual(p.endMs + 1e-9);
    }
    const call = t.spans.find((s) => s.requestModel === 'claude-sonnet-4-20250514' && s.operation === 'chat' && s.status === 'ok')!;
    const old = before.spans.find((s) => s.spanId === call.spanId)!;
    if (old.ttftMs !== null) expect(call.ttftMs).toBeCloseTo(old.ttftMs + 3000, 6);
  });

  it('leaves other tenants, other models and earlier calls alone', () => {
    const t = find('claude-sonnet-4-20250514', 'acme');
    const before = JSON.stringify(t);
    expect(applyRegression(t, 1_000, { model: 'claude-sonnet-4-20250514', tenant: 'globex', fromMs: 0, stage: 'decode', extraMs: 3000 })).toBe(0);
    expect(applyRegression(t, 1_000, { model: 'gpt-4o', tenant: 'acme', fromMs: 0, stage: 'decode', extraMs: 3000 * (t.spans.some((s) => s.requestModel === 'gpt-4o') ? 0 : 1) })).toBe(0);
    expect(applyRegression(t, 1_000, { model: 'claude-sonnet-4-20250514', tenant: 'acme', fromMs: 1e15, stage: 'decode', extraMs: 3000 })).toBe(0);
    expect(JSON.stringify(t)).toBe(before);
  });
});
