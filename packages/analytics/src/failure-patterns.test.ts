// Failure-origin fixtures, one per pattern seen in real agent traces: retries (recovered or
// exhausted), parallel failures, a failure swallowed by a fallback, a parent's own timeout, and
// the demo trace of issue 8 where a recovered 429 was blamed instead of the retrieval timeout.
import { describe, expect, it } from 'vitest';
import { failureAnalysis } from './failure.ts';
import { agent, flatten, llm, span, tool } from './test-fixtures.ts';
import type { TraceSpan } from './types.ts';

const err = (errorType = '', statusMessage = ''): Partial<TraceSpan> => ({ status: 'error', errorType, statusMessage });
const ok: Partial<TraceSpan> = { status: 'ok' };
const RATE_LIMIT = err('rate_limit', '429 Too Many Requests: rate limit exceeded, retry after backoff');

describe('failure origin: retries', () => {
  // orchestrator → chat (429) then chat retry (ok) → its own failure later.
  const retryOk = (rootPatch: Partial<TraceSpan>) =>
    flatten(
      agent('root', 'orchestrator', [0, 3000], [
        llm('c1', 'gpt-4o-mini', [0, 180], [0, 0, 0]),
        llm('c2', 'gpt-4o-mini', [980, 1500], [100, 20, 0.001]),
        tool('t', 'search', [1600, 2900]),
      ]),
      { c1: RATE_LIMIT, c2: ok, t: ok, root: rootPatch },
    );

  it('a failed call followed by a successful retry of the same operation is recovered, not the origin', () => {
    const result = failureAnalysis(retryOk(err('ValueError', 'could not parse the final answer')));
    expect(result.originSpanId).toBe('root');
    expect(result.path).toEqual(['root']);
    expect(result.recoveredSpanIds).toEqual(['c1']);
    expect(result.explanation).toBe('orchestrator agent failed: ValueError');
  });

  it('a retried error in a trace that succeeded is only reported as recovered', () => {
    const result = failureAnalysis(retryOk(ok));
    expect(result.originSpanId).toBeNull();
    expect(result.recoveredSpanIds).toEqual(['c1']);
    expect(result.explanation).toBe('recovered: LLM call `gpt-4o-mini` was rate-limited');
  });

  it('when every retry failed, the last attempt is the origin and the attempts are counted', () => {
    const spans = flatten(
      agent('root', 'orchestrator', [0, 2000], [
        agent('res', 'researcher', [10, 1900], [
          tool('a1', 'search', [20, 520]),
          tool('a2', 'search', [600, 1100]),
          tool('a3', 'search', [1200, 1700]),
        ]),
      ]),
      {
        a1: err('timeout', 'search timed out after 500 ms'),
        a2: err('timeout', 'search timed out after 500 ms'),
        a3: err('timeout', 'search timed out after 500 ms'),
        res: err('timeout', 'tool search failed: search timed out after 500 ms'),
        root: err('timeout', 'agent researcher failed: tool search failed: search timed out after 500 ms'),
      },
    );
    const result = failureAnalysis(spans);
    expect(result.originSpanId).toBe('a3');
    expect(result.path).toEqual(['a3', 'res', 'root']);
    expect(result.explanation).toBe('tool `search` timed out (3 attempts) → researcher agent failed → orchestrator returned error');
    expect(result.recoveredSpanIds).toEqual([]);
  });
});

describe('failure origin: parallel failures', () => {
  const parallel = (resPatch: Partial<TraceSpan>) =>
    flatten(
      agent('root', 'orchestrator', [0, 2000], [
        agent('res', 'researcher', [10, 1900], [tool('s', 'search', [20, 300]), tool('f', 'fetch', [20, 1500]), tool('w', 'weather', [20, 200])]),
      ]),
      { s: err('timeout', 'search timed out'), f: err('HTTPError', 'fetch returned 502'), w: ok, res: resPatch, root: err() },
    );

  it('follows the child the parent names in its message, not the first to fail', () => {
    const result = failureAnalysis(parallel(err('', 'tool fetch failed: fetch returned 502')));
    expect(result.originSpanId).toBe('f');
    expect(result.path).toEqual(['f', 'res', 'root']);
  });

  it('follows the child whose error type the parent reports', () => {
    expect(failureAnalysis(parallel(err('HTTPError', 'a tool failed'))).originSpanId).toBe('f');
  });

  it('without a message or type to go by, takes the first failure', () => {
    expect(failureAnalysis(parallel(err())).originSpanId).toBe('s');
  });
});

describe('failure origin: fallbacks and timeouts', () => {
  it('a failure swallowed by a fallback (parent finished ok) is recovered, never the origin', () => {
    const spans = flatten(
      agent('root', 'orchestrator', [0, 3000], [
        span('fb', 'chain', 'with_fallback', [0, 1000], [llm('primary', 'gpt-4o', [0, 400], [0, 0, 0]), llm('backup', 'claude-sonnet', [400, 990], [10, 10, 0.001])]),
        tool('t', 'format', [1000, 2900]),
      ]),
      { primary: err('APIError', 'upstream 503'), backup: ok, fb: ok, t: err('ValueError', 'bad template'), root: err('ValueError', 'tool format failed: bad template') },
    );
    const result = failureAnalysis(spans);
    expect(result.originSpanId).toBe('t');
    expect(result.recoveredSpanIds).toEqual(['primary']);
    expect(result.explanation).toBe('tool `format` failed: ValueError → orchestrator returned error');
  });

  it('a parent that timed out with no failed child is itself the origin', () => {
    const spans = flatten(
      agent('root', 'orchestrator', [0, 31000], [agent('res', 'researcher', [10, 30010], [llm('c', 'gpt-4o', [20, 900], [10, 10, 0.001]), tool('slow', 'crawl', [1000, 30010])])]),
      { c: ok, res: err('timeout', 'agent deadline of 30 s exceeded'), root: err('', 'agent researcher failed: agent deadline of 30 s exceeded') },
    );
    const result = failureAnalysis(spans);
    expect(result.originSpanId).toBe('res');
    expect(result.path).toEqual(['res', 'root']);
    expect(result.explanation).toBe('researcher agent timed out → orchestrator returned error');
  });

  it('a child failing after its parent ended (cancelled by the parent\'s timeout) is not the origin', () => {
    const spans = flatten(
      agent('root', 'orchestrator', [0, 31000], [agent('res', 'researcher', [10, 30000], [tool('slow', 'crawl', [1000, 30004])])]),
      { slow: err('CancelledError', 'task was cancelled'), res: err('timeout', 'agent deadline of 30 s exceeded'), root: err() },
    );
    expect(failureAnalysis(spans).originSpanId).toBe('res');
  });
});

describe('failure origin: the demo trace of issue 8', () => {
  // chat 429 + retry ok under the root; retrieval conversation-memory timed out after 5,000 ms,
  // which failed invoke_agent writer, which failed the root.
  const demo = () =>
    flatten(
      agent('root', 'orchestrator', [0, 9000], [
        llm('c429', 'gpt-4o-mini', [1, 190], [0, 0, 0]),
        llm('cok', 'gpt-4o-mini', [1000, 1600], [300, 40, 0.0002]),
        agent('res', 'researcher', [1610, 2900], [llm('r-llm', 'gpt-4o', [1620, 2800], [900, 200, 0.008])]),
        agent('wri', 'writer', [2910, 8990], [
          llm('w-llm', 'gpt-4o', [2920, 3800], [900, 200, 0.008]),
          span('ret', 'retrieval', 'retrieval conversation-memory', [3810, 8815]),
        ]),
      ]),
      {
        c429: RATE_LIMIT,
        cok: ok,
        res: ok,
        'r-llm': ok,
        'w-llm': ok,
        ret: err('timeout', 'vector search on conversation-memory timed out after 5000 ms'),
        wri: err('timeout', 'retrieval conversation-memory failed: vector search on conversation-memory timed out after 5000 ms'),
        root: err('timeout', 'agent writer failed: retrieval conversation-memory failed: vector search on conversation-memory timed out after 5000 ms'),
      },
    );

  it('names the retrieval timeout as the origin, not the recovered 429', () => {
    const result = failureAnalysis(demo());
    expect(result.originSpanId).toBe('ret');
    expect(result.path).toEqual(['ret', 'wri', 'root']);
    expect(result.explanation).toBe('retrieval `conversation-memory` timed out → writer agent failed → orchestrator returned error');
    expect(result.recoveredSpanIds).toEqual(['c429']);
    expect(result.errorSpanIds).toEqual(['root', 'c429', 'wri', 'ret']);
  });

  it('gives the banner one step per link of the chain', () => {
    expect(failureAnalysis(demo()).steps).toEqual([
      { spanId: 'ret', text: 'retrieval `conversation-memory` timed out', count: 1 },
      { spanId: 'wri', text: 'writer agent failed', count: 1 },
      { spanId: 'root', text: 'orchestrator returned error', count: 1 },
    ]);
  });
});

describe('failure origin: a long chain of the same failure', () => {
  it('collapses repeated links into one step with a count', () => {
    const n = 2000;
    const spans: TraceSpan[] = flatten(span('root', 'chain', 'run', [0, 10 * n], []), { root: err() });
    let parent = 'root';
    for (let i = 0; i < n; i++) {
      const id = `s${i}`;
      spans.push({ ...spans[0]!, spanId: id, parentSpanId: parent, name: 'execute_tool step', category: 'tool', tool: 'step', startMs: spans[0]!.startMs + i, endMs: spans[0]!.endMs - i - 1, ...err('', 'step failed') });
      parent = id;
    }
    const result = failureAnalysis(spans);
    expect(result.originSpanId).toBe(`s${n - 1}`);
    expect(result.path).toHaveLength(n + 1);
    expect(result.steps).toEqual([
      { spanId: `s${n - 1}`, text: 'tool `step` failed: step failed', count: 1 },
      { spanId: `s${n - 2}`, text: 'tool `step` failed', count: n - 1 },
      { spanId: 'root', text: '`run` returned error', count: 1 },
    ]);
    expect(result.explanation).toBe('tool `step` failed: step failed → tool `step` failed ×1,999 → `run` returned error');
  });
});
