import { describe, expect, it } from 'vitest';
import { spanAttributes } from './attributes.ts';
import { DEMO_REQUEST_TYPES, DEMO_TENANTS } from './catalog.ts';
import { Rng } from './rng.ts';
import { generateTraces, type PlannedSpan, type PlannedTrace } from './scenario.ts';

const TRACES = generateTraces(2024, 4000);
const children = (t: PlannedTrace, s: PlannedSpan) => t.spans.filter((c) => c.parentSpanId === s.spanId);
const EPS = 1e-9;

describe('Rng', () => {
  it('is deterministic per seed and uniform-ish', () => {
    const a = new Rng(9);
    const b = new Rng(9);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((n, x) => n + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(new Rng(10).next()).not.toBe(new Rng(9).next());
  });
});

describe('Scenario', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateTraces(7, 300)).toEqual(generateTraces(7, 300));
    expect(generateTraces(8, 5).map((t) => t.traceId)).not.toEqual(generateTraces(7, 5).map((t) => t.traceId));
  });

  it('builds well-formed trees: one root first, parents before children, unique ids', () => {
    for (const t of TRACES) {
      expect(t.traceId).toMatch(/^[0-9a-f]{32}$/);
      const roots = t.spans.filter((s) => s.parentSpanId === '');
      expect(roots).toHaveLength(1);
      expect(t.spans[0]).toBe(roots[0]);
      expect(roots[0]!.operation).toBe('invoke_agent');
      expect(roots[0]!.agentName).toBe('orchestrator');
      expect(roots[0]!.service).toBe('agent-gateway');
      const seen = new Set<string>();
      for (const s of t.spans) {
        expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
        if (s.parentSpanId) expect(seen.has(s.parentSpanId)).toBe(true);
        expect(seen.has(s.spanId)).toBe(false);
        seen.add(s.spanId);
      }
    }
  });

  it('keeps children inside parents and sequential steps from overlapping', () => {
    for (const t of TRACES) {
      expect(t.durationMs).toBeGreaterThan(0);
      expect(t.durationMs).toBeLessThan(5 * 60_000);
      for (const p of t.spans) {
        expect(p.endMs).toBeGreaterThan(p.startMs);
        const kids = children(t, p).sort((a, b) => a.startMs - b.startMs);
        for (const c of kids) {
          expect(c.startMs).toBeGreaterThanOrEqual(p.startMs - EPS);
          expect(c.endMs).toBeLessThanOrEqual(p.endMs + EPS);
        }
        // Only tools run in parallel; every other sibling starts after the previous ones end.
        for (let i = 1; i < kids.length; i++) {
          const c = kids[i]!;
          const prevEnd = Math.max(...kids.slice(0, i).map((k) => k.endMs));
          if (c.operation !== 'execute_tool' || kids[i - 1]!.operation !== 'execute_tool') {
            expect(c.startMs).toBeGreaterThanOrEqual(prevEnd - EPS);
          }
        }
      }
    }
  });

  it('has parallel tool calls in research traces', () => {
    const parallel = TRACES.filter((t) =>
      t.spans.some((p) => {
        const tools = children(t, p).filter((c) => c.operation === 'execute_tool');
        return tools.some((a) => tools.some((b) => a !== b && a.startMs < b.endMs && b.startMs < a.endMs));
      }),
    );
    expect(parallel.length).toBeGreaterThan(100);
    expect(parallel.every((t) => t.requestType === 'research_report' || t.requestType === 'code_review')).toBe(true);
  });

  it('puts tenant, request type and user on the root span only', () => {
    for (const t of TRACES.slice(0, 500)) {
      for (const s of t.spans) {
        const a = spanAttributes(t, s);
        const isRoot = s.parentSpanId === '';
        expect('tenant.id' in a).toBe(isRoot);
        expect('plumb.request_type' in a).toBe(isRoot);
        expect('user.id' in a).toBe(isRoot);
        if (isRoot) {
          expect(a['tenant.id']).toBe(t.tenant);
          expect(a['plumb.request_type']).toBe(t.requestType);
        }
        expect(a['gen_ai.operation.name']).toBe(s.operation);
      }
    }
  });

  it('propagates a tool timeout to its agent and the root in ~5% of traces', () => {
    const failed = TRACES.filter((t) => t.failed);
    expect(failed.length / TRACES.length).toBeGreaterThan(0.03);
    expect(failed.length / TRACES.length).toBeLessThan(0.07);
    for (const t of failed) {
      const root = t.spans[0]!;
      expect(root.status).toBe('error');
      expect(root.errorType).toBe('timeout');
      const leaf = t.spans.find((s) => s.errorType === 'timeout' && (s.operation === 'execute_tool' || s.operation === 'retrieval'));
      expect(leaf).toBeDefined();
      const agent = t.spans.find((s) => s.spanId === leaf!.parentSpanId)!;
      expect(agent.operation).toBe('invoke_agent');
      expect(agent.status).toBe('error');
      expect(agent.parentSpanId).toBe(root.spanId);
      expect(root.statusMessage).toContain(agent.agentName);
      // Nothing runs after the failed agent.
      expect(t.spans.every((s) => s.startMs <= agent.endMs)).toBe(true);
    }
    for (const t of TRACES.filter((x) => !x.failed)) {
      expect(t.spans[0]!.status).toBe('ok');
      expect(t.spans.filter((s) => s.status === 'error').every((s) => s.errorType === 'rate_limit')).toBe(true);
    }
  });

  it('retries rate-limited LLM calls and the trace still succeeds', () => {
    const retried = TRACES.filter((t) => t.retried && !t.failed);
    expect(retried.length).toBeGreaterThan(100);
    for (const t of retried) {
      expect(t.spans[0]!.status).toBe('ok');
      for (const rejected of t.spans.filter((s) => s.errorType === 'rate_limit')) {
        expect(rejected.operation).toBe('chat');
        expect(rejected.inputTokens + rejected.outputTokens).toBe(0);
        const parent = t.spans.find((s) => s.spanId === rejected.parentSpanId)!;
        expect(parent.status).toBe('ok');
        const retry = t.spans.find(
          (s) => s.parentSpanId === rejected.parentSpanId && s.status === 'ok' && s.requestModel === rejected.requestModel && s.startMs > rejected.endMs,
        );
        expect(retry).toBeDefined();
        expect(retry!.inputTokens).toBeGreaterThan(0);
      }
    }
  });

  it('keeps token buckets consistent with OTel inclusive semantics', () => {
    let reasoning = 0;
    let cacheRead = 0;
    let cacheWrite = 0;
    for (const t of TRACES) {
      for (const s of t.spans) {
        expect(s.cacheReadTokens + s.cacheWriteTokens).toBeLessThanOrEqual(s.inputTokens);
        expect(s.reasoningTokens).toBeLessThanOrEqual(s.outputTokens);
        if (s.operation !== 'chat') expect(s.inputTokens + s.outputTokens).toBe(0);
        if (s.reasoningTokens > 0) {
          reasoning++;
          expect(s.requestModel).toBe('o3-mini');
        }
        if (s.cacheWriteTokens > 0) {
          cacheWrite++;
          expect(s.provider).toBe('anthropic');
        }
        if (s.cacheReadTokens > 0) cacheRead++;
      }
    }
    expect(reasoning).toBeGreaterThan(50);
    expect(cacheRead).toBeGreaterThan(50);
    expect(cacheWrite).toBeGreaterThan(50);
  });

  it('covers all tenants (skewed), request types, providers and tools', () => {
    const count = (key: (t: PlannedTrace) => string) => {
      const m = new Map<string, number>();
      for (const t of TRACES) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
      return m;
    };
    const tenants = count((t) => t.tenant);
    expect([...tenants.keys()].sort()).toEqual([...DEMO_TENANTS].sort());
    expect(tenants.get('acme')!).toBeGreaterThan(3 * tenants.get('hooli')!);
    expect([...count((t) => t.requestType).keys()].sort()).toEqual([...DEMO_REQUEST_TYPES].sort());
    const spans = TRACES.flatMap((t) => t.spans);
    expect(new Set(spans.map((s) => s.provider).filter(Boolean))).toEqual(new Set(['openai', 'anthropic', 'gcp.gemini', 'mistral_ai', 'vllm']));
    expect(new Set(spans.map((s) => s.toolName).filter(Boolean))).toEqual(new Set(['web_search', 'fetch_url', 'run_sql', 'calculator', 'code_exec']));
    expect(spans.some((s) => s.operation === 'retrieval')).toBe(true);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['agent-gateway', 'planning-service', 'research-service', 'content-service']));
  });

  it('groups 2–6 consecutive traces of one user and tenant into a conversation', () => {
    const convs = new Map<string, PlannedTrace[]>();
    for (const t of TRACES) convs.set(t.conversationId, [...(convs.get(t.conversationId) ?? []), t]);
    let complete = 0;
    for (const ts of convs.values()) {
      expect(ts.length).toBeLessThanOrEqual(6);
      expect(ts.map((t) => t.turn)).toEqual(ts.map((_, i) => i + 1));
      expect(new Set(ts.map((t) => `${t.tenant}/${t.userId}/${t.requestType}`)).size).toBe(1);
      if (ts.length >= 2) complete++;
    }
    expect(complete / convs.size).toBeGreaterThan(0.9);
  });

  it('records short prompt / completion JSON on some LLM spans', () => {
    const withContent = TRACES.flatMap((t) => t.spans).filter((s) => s.inputMessages !== '');
    expect(withContent.length).toBeGreaterThan(500);
    for (const s of withContent.slice(0, 200)) {
      expect(s.operation).toBe('chat');
      const input = JSON.parse(s.inputMessages) as { role: string; parts: { type: string; content: string }[] }[];
      expect(input[0]!.role).toBe('user');
      expect(input[0]!.parts[0]!.type).toBe('text');
      const output = JSON.parse(s.outputMessages) as { role: string; finish_reason: string }[];
      expect(output[0]!.role).toBe('assistant');
      expect(s.inputMessages.length + s.outputMessages.length).toBeLessThan(600);
    }
  });
});
