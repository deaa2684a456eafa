import { createApiKey, createSession, createUser, ensureProject, FIXTURE_START, fixtureTraceId, setMembership, type User } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createContextFromRequest } from './context.ts';
import { createRestApi, type RestApi } from './rest/index.ts';
import { appRouter, createCaller } from './router.ts';
import { openTestWorld, type TestWorld } from './testing.ts';
import { adminProcedure, createCallerFactory, editorProcedure, protectedProcedure, router } from './trpc.ts';

/**
 * Project membership: every tRPC procedure and REST route serves only the projects the caller
 * belongs to, with at least the role the procedure needs. A project the caller is not in looks
 * exactly like one that does not exist (no existence leak).
 */
let w: TestWorld;
let api: RestApi;
let bob: User; // viewer of team-b only
let val: User; // viewer of default
let eddie: User; // editor of default
const tokens: Record<string, string> = {};
const from = FIXTURE_START.getTime();
const to = from + 3_600_000;

beforeAll(async () => {
  w = await openTestWorld('plumb-access-');
  api = createRestApi({ getStore: async () => w.store });
  await ensureProject(w.store, 'team-b', 'Team B');
  bob = await createUser(w.store, { email: 'bob@example.com', password: 'bob-password' });
  val = await createUser(w.store, { email: 'val@example.com', password: 'val-password' });
  eddie = await createUser(w.store, { email: 'eddie@example.com', password: 'eddie-password' });
  await setMembership(w.store, 'team-b', bob.id, 'viewer');
  await setMembership(w.store, 'default', val.id, 'viewer');
  await setMembership(w.store, 'default', eddie.id, 'editor');
  for (const u of [bob, val, eddie]) tokens[u.email] = (await createSession(w.store, u.id)).token;
});
afterAll(async () => w?.store.close());

const asUser = async (user: User, headers: Record<string, string> = {}) => {
  const cookie = [`plumb_session=${tokens[user.email]}`, headers.cookie].filter(Boolean).join('; ');
  return createCaller(await createContextFromRequest(new Request('http://x/api/trpc', { headers: { ...headers, cookie } }), w.store));
};
const failure = async (p: Promise<unknown>) => {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e, 'the call should have been refused').toBeInstanceOf(TRPCError);
  return { code: (e as TRPCError).code, message: (e as TRPCError).message };
};

describe('tRPC: membership', () => {
  it('refuses another project asked for through the header, like a project that does not exist', async () => {
    const viaHeader = await failure((await asUser(bob, { 'x-plumb-project': 'default' })).traces.list({ from, to }));
    const missing = await failure((await asUser(bob, { 'x-plumb-project': 'no-such-project' })).traces.list({ from, to }));
    expect(viaHeader.code).toBe('NOT_FOUND');
    expect(missing.code).toBe('NOT_FOUND');
    expect(viaHeader.message.replace('default', 'X')).toBe(missing.message.replace('no-such-project', 'X'));
    await failure((await asUser(bob, { 'x-plumb-project': 'default' })).overview.get({ from, to }));
    await failure((await asUser(bob, { 'x-plumb-project': 'default' })).traces.get({ traceId: fixtureTraceId(0) }));
  });

  it('refuses another project asked for through the cookie', async () => {
    const r = await failure((await asUser(bob, { cookie: 'plumb_project=default' })).traces.get({ traceId: fixtureTraceId(0) }));
    expect(r.code).toBe('NOT_FOUND');
    expect(r.message).not.toMatch(/member|forbidden|permission/i);
  });

  it('serves the projects the user belongs to, and lists only those', async () => {
    const mine = await (await asUser(bob, { 'x-plumb-project': 'team-b' })).traces.list({ from, to });
    expect(mine.items).toEqual([]);
    // No project asked for: the user's own project, not 'default'.
    expect((await (await asUser(bob)).auth.me())?.projectId).toBe('team-b');
    expect((await (await asUser(bob)).traces.list({ from, to })).items).toEqual([]);
    expect((await (await asUser(bob)).auth.projects()).map((p) => p.id)).toEqual(['team-b']);
    expect((await (await asUser(val)).traces.list({ from, to })).items.length).toBeGreaterThan(0);
  });

  it('refuses a viewer an editor or admin procedure, and an editor an admin one', async () => {
    const t = createCallerFactory(
      router({
        read: protectedProcedure.query(() => 'read'),
        edit: editorProcedure.input(z.object({ x: z.number() })).mutation(() => 'edited'),
        admin: adminProcedure.mutation(() => 'administered'),
      }),
    );
    const as = async (u: User, project = 'default') =>
      t(await createContextFromRequest(new Request('http://x/', { headers: { cookie: `plumb_session=${tokens[u.email]}`, 'x-plumb-project': project } }), w.store));
    expect(await (await as(val)).read()).toBe('read');
    expect((await failure((await as(val)).edit({ x: 1 }))).code).toBe('FORBIDDEN');
    expect((await failure((await as(val)).admin())).code).toBe('FORBIDDEN');
    expect(await (await as(eddie)).edit({ x: 1 })).toBe('edited');
    expect((await failure((await as(eddie)).admin())).code).toBe('FORBIDDEN');
    // Not a member at all: NOT_FOUND before any role question.
    expect((await failure((await as(bob)).edit({ x: 1 }))).code).toBe('NOT_FOUND');
    expect((await failure((await as(bob, 'team-b')).edit({ x: 1 }))).code).toBe('FORBIDDEN');
  });

  it('takes a removed membership away', async () => {
    const { removeMembership } = await import('@plumb/store');
    const u = await createUser(w.store, { email: 'temp@example.com', password: 'temp-password' });
    await setMembership(w.store, 'default', u.id, 'viewer');
    tokens[u.email] = (await createSession(w.store, u.id)).token;
    expect((await (await asUser(u)).traces.list({ from, to })).items.length).toBeGreaterThan(0);
    await removeMembership(w.store, 'default', u.id);
    expect((await failure((await asUser(u, { 'x-plumb-project': 'default' })).traces.list({ from, to }))).code).toBe('NOT_FOUND');
  });
});

describe('every procedure declares its access', () => {
  // Public on purpose: says whether the caller is signed in. Anything else must go through
  // protectedProcedure (and so carry a minRole); a new procedure built on publicProcedure fails here.
  const PUBLIC = new Set(['auth.me']);
  it('is protected with a minimum role, or listed as public', () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { minRole?: string } } }>;
    expect(Object.keys(procedures).length).toBeGreaterThan(10);
    const undeclared = Object.entries(procedures)
      .filter(([path, p]) => !PUBLIC.has(path) && !p._def.meta?.minRole)
      .map(([path]) => path);
    expect(undeclared).toEqual([]);
    expect(procedures['keys.create']!._def.meta?.minRole).toBe('admin');
  });
});

describe('REST: a key serves its own project only', () => {
  const get = (path: string, key: string, headers: Record<string, string> = {}) =>
    new Request(`http://localhost/api/v1${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } });

  it('never reads another project, whatever the request asks for', async () => {
    const { key } = await createApiKey(w.store, { projectId: 'team-b', name: 'b-read', scopes: ['read'] });
    const own = await api.listTraces(get(`/traces?from=${from}&to=${to}`, key));
    expect(own.status).toBe(200);
    expect(((await own.json()) as { data: unknown[] }).data).toEqual([]);
    const r = await api.listTraces(get(`/traces?from=${from}&to=${to}`, key, { 'x-plumb-project': 'default' }));
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('not_found');
    // A project cookie is not a REST mechanism: the key's own project is served.
    const viaCookie = await api.listTraces(get(`/traces?from=${from}&to=${to}`, key, { cookie: 'plumb_project=default' }));
    expect(((await viaCookie.json()) as { data: unknown[] }).data).toEqual([]);
    expect((await api.getTrace(get(`/traces/${fixtureTraceId(0)}`, key))).status).toBe(404);
    // The default project's own key still reads it.
    expect((await api.getTrace(get(`/traces/${fixtureTraceId(0)}`, w.readKey))).status).toBe(200);
  });
});
