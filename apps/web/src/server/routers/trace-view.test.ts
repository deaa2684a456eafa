import { fixtureTraceId } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackTrace } from '../../lib/trace-wire.ts';
import { createCaller } from '../router.ts';
import { openTestWorld, type TestWorld } from '../testing.ts';

let w: TestWorld;
const caller = (projectId = 'default') => createCaller({ store: w.store, user: w.user, projectId });

beforeAll(async () => {
  w = await openTestWorld('plumb-trace-view-');
});
afterAll(async () => w?.store.close());

describe('traceView.get', () => {
  it('unpacks to exactly what traces.get returns, through the real transformer', async () => {
    const id = fixtureTraceId(3);
    const packed = await caller().traceView.get({ traceId: id });
    expect(typeof packed).toBe('string');
    const overTheWire = superjson.parse<typeof packed>(superjson.stringify(packed));
    expect(unpackTrace(overTheWire)).toEqual(await caller().traces.get({ traceId: id }));
  });

  it('is NOT_FOUND for an unknown trace and for another project', async () => {
    const code = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as TRPCError).code;
    expect(await code(caller().traceView.get({ traceId: 'f'.repeat(32) }))).toBe('NOT_FOUND');
    expect(await code(caller('nope').traceView.get({ traceId: fixtureTraceId(3) }))).toBe('NOT_FOUND');
  });
});
