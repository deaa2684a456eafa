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

function request(first: number, startNs: bigint): QueuedRow[] {
  const rows: QueuedRow[] = [];
  for (let t = first; t < first + TRACES_PER_REQUEST; t++) {
    const traceId = t.toString(16).padStart(32, '0');
    const prefix = t.toString(16).padStart(10, '0');
    const id = (i: number) => prefix + i.toString(16).padStart(6, '0');
    for (let i = 0; i < SPANS; i++) {
      rows.push({
        segment: 1,
        row: {
          projectId: 'default', traceId, spanId: id(i),
          // A tree of fan-out 4 under a parent that never arrives and is not flagged remote.
          parentSpanId: i === 0 ? 'ffffffffffffffff' : id(Math.floor((i - 1) / 4)), isRoot: false,
          name: i === 1 ? 'invoke_agent planner' : 'chat gpt-4o', category: i === 1 ? 'agent' : 'llm', agentName: i === 1 ? 'planner' : '',
          tenant: '', requestType: '', route: '', sessionId: '', userId: '', attributes: NO_ATTRIBUTES,
          startTimeUnixNano: startNs + BigInt(i), version: 1, contextResolved: false,
        } as SpanRow,
      });
    }
  }
  return rows;
}

describe('context stage memory', () => {
  it(`keeps ${TRACES / 1000}k rootless traces of ${SPANS} spans within its byte budget (default ${DEFAULT_CONTEXT_MAX_BYTES / 2 ** 20} MiB)`, () => {
    let emitted = 0;
    const stage = new ContextStage({ holdMs: 2_000, maxHeldRows: 200_000, maxBytes: DEFAULT_CONTEXT_MAX_BYTES }, (rows) => {
      emitted += rows.length;
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
