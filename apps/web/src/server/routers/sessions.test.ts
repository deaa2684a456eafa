import { FIXTURE_START } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../router.ts';
import { openTestWorld, type TestWorld } from '../testing.ts';

let w: TestWorld;
const from = FIXTURE_START.getTime();
const to = from + 3_600_000;
const caller = (user: 'signed-in' | null = 'signed-in') => createCaller({ store: w.store, user: user ? w.user : null, projectId: 'default' });
const code = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as TRPCError).code;

beforeAll(async () => {
  w = await openTestWorld('plumb-trpc-sessions-');
});
afterAll(async () => w?.store.close());

describe('sessions.list', () => {
  it('lists the sessions of the window with their numbers, filtered and paged', async () => {
    const all = await caller().sessions.list({ from, to });
    expect(all.total).toBe(9);
    expect(all.items.find((s) => s.sessionId === 'sess-acme')).toMatchObject({ traces: 4, tenant: 'acme', errorTraces: 1 });
    const acme = await caller().sessions.list({ from, to, filter: { tenant: ['acme'] } });
    expect(acme.items.map((s) => s.sessionId)).toEqual(['sess-acme']);
    const p1 = await caller().sessions.list({ from, to, limit: 5 });
    const p2 = await caller().sessions.list({ from, to, limit: 5, cursor: p1.nextCursor! });
    expect([...p1.items, ...p2.items].map((s) => s.sessionId)).toEqual(all.items.map((s) => s.sessionId));
    expect(p2.nextCursor).toBeNull();
  });

  it('needs a signed-in member and names bad fields', async () => {
    expect(await code(caller(null).sessions.list({ from, to }))).toBe('UNAUTHORIZED');
    expect(await code(caller().sessions.list({ from, to, limit: 0 }))).toBe('BAD_REQUEST');
    expect(await code(caller().sessions.list({ from, to, sort: 'nope' as never }))).toBe('BAD_REQUEST');
    expect(await code(caller().sessions.list({ from, to, cursor: 'junk' }))).toBe('BAD_REQUEST');
  });
});
