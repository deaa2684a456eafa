import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSpan, createDriftMonitor, driftHistory, insertSpanRows, Store } from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import { startWorker } from '../worker.ts';
import { driftJob } from './drift.ts';

let store: Store;
const HOUR = 3_600_000;
const NOW = Math.floor(Date.now() / HOUR) * HOUR + 10 * 60_000;

beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-drift-job-'))));
  await store.migrate();
  const rows = Array.from({ length: 300 }, (_, i) => {
    const t = BigInt(NOW - 3 * 24 * HOUR + i * 14 * 60_000) * 1_000_000n;
    return baseSpan({ traceId: (i + 1).toString(16).padStart(32, '0'), spanId: (i + 1).toString(16).padStart(16, '0'), startTimeUnixNano: t, endTimeUnixNano: t + 1_000_000n,
      category: 'llm', responseModel: 'm', outputTokens: i < 250 ? 100 + (i % 50) : 400 + (i % 50) });
  });
  await insertSpanRows(store, rows);
});
afterAll(async () => store?.close());

describe('drift job', () => {
  it('evaluates each monitor once per hour step under the worker lease; a second pass in the same hour adds nothing', async () => {
    const m = await createDriftMonitor(store, 'default', {
      name: 'out', feature: { kind: 'numeric', field: 'output_tokens' }, spanSet: 'llm', filters: {}, reference: { kind: 'previous', days: 2 },
      currentMs: 12 * HOUR, method: 'auto', thresholds: {}, topK: 20,
    });
    const logs: string[] = [];
    let ticks = 0;
    const worker = startWorker(store, {
      log: (s) => logs.push(s), holder: 'w1', lease: { ttlMs: 5000, settleMs: 50 },
      jobs: [driftJob((s) => logs.push(s), { intervalMs: 200, now: () => NOW })],
      onTick: (job, ran) => { if (job === 'drift' && ran) ticks++; },
    });
    for (let i = 0; i < 100 && ticks < 2; i++) await new Promise((r) => setTimeout(r, 100));
    await worker.stop();
    expect(ticks).toBeGreaterThanOrEqual(2);
    const h = await driftHistory(store, 'default', m.id, 0, NOW + HOUR);
    expect(h.map((p) => p.currentToMs)).toEqual([Math.floor(NOW / HOUR) * HOUR]);
    expect(h[0]!.flagged).toBe(true);
    expect(logs.some((l) => l.includes('flagged'))).toBe(true);
  });
});
