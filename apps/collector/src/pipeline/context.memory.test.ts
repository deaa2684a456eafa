import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { SpanRow } from '@plumb/store';
import { ContextStage, DEFAULT_CONTEXT_MAX_BYTES } from './context.ts';
import type { QueuedRow } from './types.ts';

/**
 * Defect 6: the context stage's memory is bounded by bytes. 200k rootless traces of 50 spans
 * (no span ever resolves them, so before the fix every trace kept its whole span tree) go
 * through the stage with the default budget; its own accounting and the process heap stay
 * within it.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const TRACES = 200_000;
const SPANS = 50;
const TRACES_PER_REQUEST = 20;

const NO_ATTRIBUTES = {};

/**
 * Row objects are recycled once the stage has written them out (it keeps no reference to an
 * emitted row), so the test measures the stage rather than the garbage of 10M row objects. Span
 * and parent ids are fresh strings for every span, as decoded ids are.
 */
const pool: QueuedRow[] = [];
function take(): QueuedRow {
  return pool.pop() ?? { segment: 1, row: {} as SpanRow };
}

function request(first: number, startNs: bigint): QueuedRow[] {
  const rows: QueuedRow[] = [];
  const ids: string[] = new Array<string>(SPANS);
  for (let t = first; t < first + TRACES_PER_REQUEST; t++) {
    const traceId = t.toString(16).padStart(32, '0');
    const prefix = t.toString(16).padStart(10, '0');
    for (let i = 0; i < SPANS; i++) ids[i] = prefix + i.toString(16).padStart(6, '0');
    for (let i = 0; i < SPANS; i++) {
      const q = take();
      const r = q.row as unknown as Record<string, unknown>;
      r.projectId = 'default';
      r.traceId = traceId;
      r.spanId = ids[i];
      // A tree of fan-out 4 under a parent that never arrives and is not flagged remote.
      // Its own string, as a decoded parent id is (not the parent span's id string).
      r.parentSpanId = i === 0 ? 'ffffffffffffffff' : prefix + Math.floor((i - 1) / 4).toString(16).padStart(6, '0');
      r.isRoot = false;
      r.name = i === 1 ? 'invoke_agent planner' : 'chat gpt-4o';
      r.category = i === 1 ? 'agent' : 'llm';
      r.agentName = i === 1 ? 'planner' : '';
      r.tenant = r.requestType = r.route = r.sessionId = r.userId = '';
      r.attributes = NO_ATTRIBUTES;
      r.startTimeUnixNano = startNs + BigInt(i);
      r.version = 1;
      r.contextResolved = false;
      rows.push(q);
    }
  }
  return rows;
}

describe('context stage memory', () => {
  it(`keeps ${TRACES / 1000}k rootless traces of ${SPANS} spans within its byte budget (default ${DEFAULT_CONTEXT_MAX_BYTES / 2 ** 20} MiB)`, () => {
    let emitted = 0;
    const stage = new ContextStage({ holdMs: 2_000, maxHeldRows: 200_000, maxBytes: DEFAULT_CONTEXT_MAX_BYTES }, (rows) => {
      emitted += rows.length;
      for (const q of rows) pool.push(q);
    });
    const before = heapAfterGc();
    let peakAccounted = 0;
    let now = 0;
    for (let t = 0; t < TRACES; t += TRACES_PER_REQUEST) {
      now += 10;
      stage.push(request(t, BigInt(now) * 1_000_000n), now);
      stage.tick(now);
      peakAccounted = Math.max(peakAccounted, stage.bytes);
    }
    stage.drain();
    pool.length = 0; // the recycled rows are the test's, not the stage's
    const grown = heapAfterGc() - before;
    const mib = (n: number) => (n / 2 ** 20).toFixed(1);
    console.log(
      `context stage: ${stage.traceCount} traces kept, ${stage.evicted} evicted; accounted ${mib(stage.bytes)} MiB (peak ${mib(peakAccounted)}), ` +
        `heap growth after GC ${mib(grown)} MiB, budget ${mib(DEFAULT_CONTEXT_MAX_BYTES)} MiB`,
    );
    expect(emitted).toBe(TRACES * SPANS); // every span written (unresolved), none lost
    // Its own accounting: within the budget after every batch (one request's state of slack).
    expect(peakAccounted).toBeLessThanOrEqual(DEFAULT_CONTEXT_MAX_BYTES + TRACES_PER_REQUEST * SPANS * 200);
    expect(stage.evicted).toBeGreaterThan(TRACES / 2);
    // The process heap agrees: the stage's state really is about what it accounts.
    expect(grown).toBeLessThanOrEqual(DEFAULT_CONTEXT_MAX_BYTES * 1.25);
    expect(grown / stage.bytes).toBeGreaterThan(0.5);
    expect(stage).toBeDefined(); // keep the stage alive through the measurement
  }, 240_000);
});
