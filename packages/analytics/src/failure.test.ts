import { describe, expect, it } from 'vitest';
import { failureAnalysis, failureOutcome } from './failure.ts';
import { flatten, researchTrace, span, tool } from './test-fixtures.ts';
import type { TraceSpan } from './types.ts';

const err = (errorType = '', statusMessage = ''): Partial<TraceSpan> => ({ status: 'error', errorType, statusMessage });
const ok: Partial<TraceSpan> = { status: 'ok' };

describe('failureAnalysis', () => {
  it('reports no failure for a clean trace', () => {
    expect(failureAnalysis(researchTrace({ orch: ok }))).toEqual({ originSpanId: null, path: [], steps: [], explanation: '', errorSpanIds: [], recoveredSpanIds: [] });
  });

  it('follows a tool timeout that propagated up to the root', () => {
    const result = failureAnalysis(
      researchTrace({ 'r-search2': err('timeout', 'search took longer than 30s'), res: err('ToolError'), orch: err('', 'agent run failed') }),
    );
    expect(result).toEqual({
      originSpanId: 'r-search2',
      path: ['r-search2', 'res', 'orch'],
      steps: [
        { spanId: 'r-search2', text: 'tool `search` timed out', count: 1 },
        { spanId: 'res', text: 'researcher agent failed', count: 1 },
        { spanId: 'orch', text: 'orchestrator returned error', count: 1 },
      ],
      explanation: 'tool `search` timed out → researcher agent failed → orchestrator returned error',
      errorSpanIds: ['orch', 'res', 'r-search2'],
      recoveredSpanIds: [],
    });
  });

  it('skips spans with unset status on the way up but keeps them transparent', () => {
    // r-llm2 (client span, status unset) wraps the failing HTTP span.
    const result = failureAnalysis(researchTrace({ 'r-llm2-http': err('APIConnectionError'), res: err(), orch: err() }));
    expect(result.originSpanId).toBe('r-llm2-http');
    expect(result.path).toEqual(['r-llm2-http', 'res', 'orch']);
    expect(result.explanation).toBe('LLM call `gpt-4o` failed: APIConnectionError → researcher agent failed → orchestrator returned error');
  });

  it('does not blame a retried error when the root succeeded', () => {
    const result = failureAnalysis(researchTrace({ 'r-search1': err('', 'Request timed out after 30s'), res: ok, orch: ok }));
    expect(result.originSpanId).toBeNull();
    expect(result.path).toEqual([]);
    expect(result.errorSpanIds).toEqual(['r-search1']);
    expect(result.explanation).toBe('recovered: tool `search` timed out');
  });

  it('ignores an earlier absorbed error when a later failure propagates', () => {
    const result = failureAnalysis(
      researchTrace({
        'r-search1': err('timeout'), // retried: researcher finished ok
        res: ok,
        'w-llm': err('RateLimitError', '429 Too Many Requests'),
        wri: err(),
        orch: err(),
      }),
    );
    expect(result.originSpanId).toBe('w-llm');
    expect(result.path).toEqual(['w-llm', 'wri', 'orch']);
    expect(result.explanation).toBe('LLM call `claude-sonnet` was rate-limited → writer agent failed → orchestrator returned error');
    expect(result.errorSpanIds).toEqual(['orch', 'r-search1', 'wri', 'w-llm']);
  });

  it('makes the root the origin when every error below it was absorbed', () => {
    const result = failureAnalysis(researchTrace({ 'r-search1': err('timeout'), res: ok, orch: err('ValueError', 'bad final answer') }));
    expect(result.originSpanId).toBe('orch');
    expect(result.path).toEqual(['orch']);
    expect(result.explanation).toBe('orchestrator agent failed: ValueError');
  });

  it('chooses the earliest-ending origin when several failures propagate', () => {
    const result = failureAnalysis(
      researchTrace({ 'r-search2': err('timeout'), res: err(), 'p-llm': err('', 'invalid JSON in response'), plan: err(), orch: err() }),
    );
    expect(result.originSpanId).toBe('p-llm');
    expect(result.explanation).toBe('LLM call `gpt-4o-mini` failed: invalid JSON in response → planner agent failed → orchestrator returned error');
  });

  it('treats an orphaned error span (missing parent) as its own root', () => {
    const spans = researchTrace({ 'r-search2': err('timeout'), res: err() }).filter((s) => s.spanId !== 'orch');
    const result = failureAnalysis(spans);
    expect(result.originSpanId).toBe('r-search2');
    expect(result.path).toEqual(['r-search2', 'res']);
    expect(result.explanation).toBe('tool `search` timed out → researcher returned error');
  });

  it('describes non-agent roots and generic steps', () => {
    const spans = flatten(span('http', 'chain', 'POST /run', [0, 50], [span('step', 'other', 'validate', [0, 10], [tool('t', 'db', [1, 5])])]), {
      http: err(),
      step: err(),
      t: err('', 'connection refused\nstack trace…'),
    });
    expect(failureAnalysis(spans).explanation).toBe('tool `db` failed: connection refused → `validate` failed → `POST /run` returned error');
  });
});

describe('failureOutcome', () => {
  const base = researchTrace()[0]!;
  it.each([
    ['timeout', '', 'timed out'],
    ['', 'Request timed out', 'timed out'],
    ['DeadlineExceeded', '', 'timed out'],
    ['RateLimitError', '', 'was rate-limited'],
    ['', 'HTTP 429', 'was rate-limited'],
    ['CancelledError', '', 'was cancelled'],
    ['ValueError', 'invalid literal', 'failed: ValueError'],
    ['', 'invalid literal for int()', 'failed: invalid literal for int()'],
    ['', 'x'.repeat(200), `failed: ${'x'.repeat(79)}…`],
    ['', '', 'failed'],
    // OTel's fallback for an error status without a type says nothing more than "failed".
    ['_OTHER', '', 'failed'],
    ['_OTHER', 'connection reset', 'failed: connection reset'],
  ])('errorType %j, message %j → %j', (errorType, statusMessage, expected) => {
    expect(failureOutcome({ ...base, status: 'error', errorType, statusMessage })).toBe(expected);
  });
});
