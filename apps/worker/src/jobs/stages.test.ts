import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSpan, getRequestStages, insertSpanRows, sql, Store } from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import { startWorker } from '../worker.ts';
import { stagesJob } from './stages.ts';

let store: Store;
const HOUR = 3_600_000;
const T = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR;
const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

/** Trace i: a root [0, 1000] with a model call [0, 800] reporting TTFT 300 ms and vLLM queue 0.1 s. */
function trace(i: number, at: number) {
  const ctx = { traceId: hex(i, 32), tenant: 'acme' };
  return [
    baseSpan({ ...ctx, spanId: hex(i * 2, 16), startTimeUnixNano: ns(at), endTimeUnixNano: ns(at + 1000), category: 'agent', agentName: 'bot' }),
    baseSpan({
      ...ctx, spanId: hex(i * 2 + 1, 16), parentSpanId: hex(i * 2, 16), startTimeUnixNano: ns(at), endTimeUnixNano: ns(at + 800), category: 'llm',
      requestModel: 'gpt-4o', ttftMs: 300, attributes: { 'gen_ai.latency.time_in_queue': '0.1' },
    }),
  ];
}

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-stages-job-'))));
  await store.migrate();
  await insertSpanRows(store, [...trace(1, T), ...trace(2, T + HOUR), ...trace(3, T + 2 * HOUR)]);
});
afterAll(async () => store?.close());

const count = async () => Number((await store.query<{ n: string }>(sql`SELECT count() AS n FROM request_stages FINAL`))[0]!.n);

describe('stages job', () => {
  it('waits for a root to settle, then computes each request once under the worker lease', async () => {
    const waiting = stagesJob(() => {}, { settleMs: 3_600_000 });
    expect(await waiting.runOnce(store, new AbortController().signal, true)).toBe(0);

    const logs: string[] = [];
    let ticks = 0;
    const worker = startWorker(store, {
      log: (s) => logs.push(s), holder: 'w1', lease: { ttlMs: 5000, settleMs: 50 },
      jobs: [stagesJob((s) => logs.push(s), { intervalMs: 200, settleMs: 0 })],
      onTick: (job, ran) => { if (job === 'stages' && ran) ticks++; },
    });
    for (let i = 0; i < 100 && ticks < 2; i++) await new Promise((r) => setTimeout(r, 100));
    await worker.stop();
    expect(ticks).toBeGreaterThanOrEqual(2);
    expect(await count()).toBe(3);
    expect(logs.filter((l) => l.includes('stage rows')).length).toBe(1);
    const r = await getRequestStages(store, 'default', hex(2, 32));
    expect(r!.stages).toEqual({ queue: 100, prefill: 200, decode: 500, llm: 0, retrieval: 0, tool: 0, own: 200 });
    expect(r!.dimensions).toMatchObject({ model: 'gpt-4o', tenant: 'acme', agent: 'bot' });
  });

  it('picks up old data that arrives late (outside the incremental look-back) on the next pass, not at the hourly sweep', async () => {
    const job = stagesJob(() => {}, { settleMs: 0, lookbackMs: HOUR });
    const signal = new AbortController().signal;
    await job.runOnce(store, signal); // first run: the sweep
    await insertSpanRows(store, trace(4, T - 10 * 24 * HOUR)); // a replay of ten-day-old traffic
    expect(await job.runOnce(store, signal)).toBe(1);
    expect(await count()).toBe(4);
  });
});
