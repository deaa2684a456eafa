import { describe, expect, it } from 'vitest';
import { applyDrift } from './drift.ts';
import { Scenario } from './scenario.ts';

describe('applyDrift', () => {
  it('doubles output tokens of one served model after T and sets finish reason length on some calls; others untouched', () => {
    const s = new Scenario({ seed: 7 });
    const traces = Array.from({ length: 300 }, () => s.next());
    const model = traces.flatMap((t) => t.spans).find((x) => x.operation === 'chat' && x.status === 'ok')!.responseModel;
    const before = structuredClone(traces);
    let drifted = 0;
    traces.forEach((t, i) => (drifted += applyDrift(t, i < 150 ? 0 : 1_000_000, { model, afterMs: 500_000 })));
    expect(drifted).toBeGreaterThan(0);
    let lengths = 0;
    traces.forEach((t, i) =>
      t.spans.forEach((x, j) => {
        const was = before[i]!.spans[j]!;
        const hit = i >= 150 && x.operation === 'chat' && x.status === 'ok' && x.responseModel === model;
        expect(x.outputTokens).toBe(hit ? Math.round(was.outputTokens * 2) : was.outputTokens);
        if (hit && x.finishReason === 'length' && was.finishReason !== 'length') lengths++;
        if (!hit) expect(x.finishReason).toBe(was.finishReason);
      }),
    );
    expect(lengths / drifted).toBeGreaterThan(0.15);
    expect(lengths / drifted).toBeLessThan(0.45);
  });
});
