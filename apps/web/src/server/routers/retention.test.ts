import { createSession, createUser, setMembership } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextFromRequest } from '../context.ts';
import { createCaller } from '../router.ts';
import { openTestWorld, type TestWorld } from '../testing.ts';

let w: TestWorld;
let viewerToken: string;
beforeAll(async () => {
  w = await openTestWorld('plumb-retention-');
  const viewer = await createUser(w.store, { email: 'ret-viewer@example.com', password: 'viewer-password' });
  await setMembership(w.store, 'default', viewer.id, 'viewer');
  viewerToken = (await createSession(w.store, viewer.id)).token;
});
afterAll(async () => w?.store.close());

const as = async (token: string) =>
  createCaller(await createContextFromRequest(new Request('http://x/api/trpc', { headers: { cookie: `plumb_session=${token}`, 'x-plumb-project': 'default' } }), w.store));
const code = async (p: Promise<unknown>) => ((await p.then(() => null, (e: unknown) => e)) as TRPCError | null)?.code;

describe('retention router', () => {
  it('every member reads it; admins set it within the instance bound; back to default with null', async () => {
    const admin = await as(w.sessionToken);
    const viewer = await as(viewerToken);
    const instance = (await viewer.retention.get()).instanceDays;
    expect(await viewer.retention.get()).toMatchObject({ days: instance, isDefault: true });
    expect(await code(viewer.retention.set({ days: 3 }))).toBe('FORBIDDEN');
    expect(await admin.retention.set({ days: 3 })).toMatchObject({ days: 3, isDefault: false });
    expect((await viewer.retention.get()).days).toBe(3);
    expect(await code(admin.retention.set({ days: instance + 1 }))).toBe('BAD_REQUEST');
    expect(await code(admin.retention.set({ days: 0 }))).toBe('BAD_REQUEST');
    expect(await admin.retention.set({ days: null })).toMatchObject({ days: instance, isDefault: true });
  });
});
