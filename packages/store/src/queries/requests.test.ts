import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store.ts';
import { testStoreConfig } from '../testing.ts';
import { queryMetrics } from '../semantic/query.ts';
import { baseSpan, FIXTURE_START, insertSpanRows } from './fixtures.ts';
import { listTraces } from './traces.ts';
import { overview } from './overview.ts';
import type { SpanRow } from '../spans.ts';

// Issue 6 defect 5 (read side): a trace is ONE request whether its root arrived, has a remote
// parent, is missing, or arrives late — and it is listed in the explorer in every case.
let store: Store;
const from = FIXTURE_START;
const to = new Date(FIXTURE_START.getTime() + 3_600_000);
const MS = 1_000_000n;
const t0 = BigInt(FIXTURE_START.getTime()) * MS + 60_000n * MS;

/** root → agent → llm; the root's parent is `rootParent` ('' = a true root). */
function trace(projectId: string, rootParent: string): { root: SpanRow; rest: SpanRow[] } {
  const traceId = `${projectId.padEnd(8, '0').slice(0, 8)}${'a'.repeat(24)}`;
  const at = (a: bigint, d: bigint) => ({ startTimeUnixNano: t0 + a * MS, endTimeUnixNano: t0 + (a + d) * MS });
  const ctx = { projectId, traceId, tenant: 'acme', requestType: 'chat' };
  return {
    root: baseSpan({ ...ctx, spanId: '1'.repeat(16), parentSpanId: rootParent, isRoot: true, name: 'POST /chat', kind: 2, ...at(0n, 900n), statusCode: 'ok' }),
    rest: [
      baseSpan({ ...ctx, spanId: '2'.repeat(16), parentSpanId: '1'.repeat(16), name: 'invoke_agent planner', category: 'agent', agentName: 'planner', ...at(10n, 800n), usageCounted: false }),
      baseSpan({ ...ctx, spanId: '3'.repeat(16), parentSpanId: '2'.repeat(16), name: 'chat gpt-4o', category: 'llm', requestModel: 'gpt-4o', ...at(20n, 300n), inputTokens: 10, costUsd: '0.01', pricingStatus: 'priced' }),
    ],
  };
}

const requests = async (projectId: string) =>
  (await queryMetrics(store, { projectId, from, to, measures: ['requests', 'p50_latency_ms'] })).rows[0];
const listed = async (projectId: string) => (await listTraces(store, { projectId, from, to })).items;

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-requests-'))));
  await store.migrate();
});
afterAll(async () => store?.close());

describe('requests: one per trace', () => {
  it('root present: the root is the request', async () => {
    const t = trace('present', '');
    await insertSpanRows(store, [t.root, ...t.rest]);
    expect(await requests('present')).toEqual({ requests: 1, p50_latency_ms: 900 });
    expect((await overview(store, 'present', from, to)).kpis.requests).toBe(1);
    expect(await listed('present')).toMatchObject([{ traceId: t.root.traceId, rootName: 'POST /chat', rootReceived: true, durationMs: 900 }]);
  });

  it('root with a remote parent (gateway not exporting): the local root is the request', async () => {
    const t = trace('remote', 'f'.repeat(16));
    await insertSpanRows(store, [t.root, ...t.rest]);
    expect(await requests('remote')).toEqual({ requests: 1, p50_latency_ms: 900 });
    expect(await listed('remote')).toMatchObject([{ traceId: t.root.traceId, rootSpanId: t.root.spanId, rootName: 'POST /chat', rootReceived: true }]);
  });

  it('root missing: the topmost span stands in, marked root not received', async () => {
    const t = trace('missing', '');
    await insertSpanRows(store, t.rest);
    expect(await requests('missing')).toEqual({ requests: 1, p50_latency_ms: 800 });
    expect(await listed('missing')).toMatchObject([{ traceId: t.root.traceId, rootSpanId: '2'.repeat(16), rootName: 'invoke_agent planner', rootReceived: false, durationMs: 800 }]);
    expect((await overview(store, 'missing', from, to)).kpis.requests).toBe(1);
  });

  it('root arriving late: still one request, now the root', async () => {
    const t = trace('late', '');
    await insertSpanRows(store, t.rest);
    expect((await requests('late'))!.requests).toBe(1);
    await insertSpanRows(store, [t.root]);
    expect(await requests('late')).toEqual({ requests: 1, p50_latency_ms: 900 });
    expect(await listed('late')).toMatchObject([{ traceId: t.root.traceId, rootName: 'POST /chat', rootReceived: true }]);
    // A re-delivered stand-in changes nothing.
    await insertSpanRows(store, t.rest);
    expect((await requests('late'))!.requests).toBe(1);
  });
});
