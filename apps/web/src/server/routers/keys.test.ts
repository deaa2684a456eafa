import { createSession, createUser, ensureProject, listApiKeys, revokeApiKey, setMembership } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextFromRequest } from '../context.ts';
import { createRestApi, type RestApi } from '../rest/index.ts';
import { createCaller } from '../router.ts';
import { openTestWorld, type TestWorld } from '../testing.ts';

let w: TestWorld;
let api: RestApi;
let viewerToken: string;
let otherAdminToken: string;

beforeAll(async () => {
  w = await openTestWorld('plumb-keys-');
  api = createRestApi({ getStore: async () => w.store });
  const viewer = await createUser(w.store, { email: 'viewer@example.com', password: 'viewer-password' });
  await setMembership(w.store, 'default', viewer.id, 'viewer');
  viewerToken = (await createSession(w.store, viewer.id)).token;
  await ensureProject(w.store, 'team-b', 'Team B');
  const other = await createUser(w.store, { email: 'b-admin@example.com', password: 'b-admin-password' });
  await setMembership(w.store, 'team-b', other.id, 'admin');
  otherAdminToken = (await createSession(w.store, other.id)).token;
});
afterAll(async () => w?.store.close());

const as = async (token: string, project = 'default') =>
  createCaller(await createContextFromRequest(new Request('http://x/api/trpc', { headers: { cookie: `plumb_session=${token}`, 'x-plumb-project': project } }), w.store));
const code = async (p: Promise<unknown>) => ((await p.then(() => null, (e: unknown) => e)) as TRPCError | null)?.code;
const metrics = (key: string) => api.metrics(new Request('http://localhost/api/v1/metrics?measures=requests', { headers: { authorization: `Bearer ${key}` } }));

describe('keys router (admins of the project)', () => {
  it('creates a key whose secret is shown once and works at once, lists it by prefix, revokes it', async () => {
    const admin = await as(w.sessionToken);
    const created = await admin.keys.create({ name: 'grafana', scopes: ['read'] });
    expect(created.key).toMatch(/^plb_[\w-]{32}$/);
    expect(created.info).toMatchObject({ name: 'grafana', scopes: ['read'], projectId: 'default', revoked: false, keyPrefix: created.key.slice(0, 8) });
    expect((await metrics(created.key)).status).toBe(200); // no restart needed

    const listed = await admin.keys.list();
    const row = listed.keys.find((k) => k.id === created.info.id)!;
    expect(row).toMatchObject({ name: 'grafana', keyPrefix: created.key.slice(0, 8), scopes: ['read'], revoked: false });
    expect(new Date(row.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(listed)).not.toContain(created.key); // never the secret again
    expect(JSON.stringify(listed)).not.toMatch(/key_?hash/i);

    expect(await admin.keys.revoke({ id: created.info.id })).toEqual({ revoked: true });
    expect((await metrics(created.key)).status).toBe(401); // at once, despite the cache
    expect((await admin.keys.list()).keys.find((k) => k.id === created.info.id)?.revoked).toBe(true);
    expect(await code(admin.keys.revoke({ id: created.info.id }))).toBe('NOT_FOUND');
  });

  it('refuses viewers, other projects, and bad input', async () => {
    const viewer = await as(viewerToken);
    expect(await code(viewer.keys.list())).toBe('FORBIDDEN');
    expect(await code(viewer.keys.create({ name: 'x', scopes: ['read'] }))).toBe('FORBIDDEN');
    const { info } = await (await as(w.sessionToken)).keys.create({ name: 'mine', scopes: ['read'] });
    expect(await code(viewer.keys.revoke({ id: info.id }))).toBe('FORBIDDEN');
    // Team B's admin cannot see or revoke default's keys, even by id.
    const other = await as(otherAdminToken, 'team-b');
    expect((await other.keys.list()).keys.map((k) => k.id)).not.toContain(info.id);
    expect(await code(other.keys.revoke({ id: info.id }))).toBe('NOT_FOUND');
    expect(await code((await as(otherAdminToken, 'default')).keys.list())).toBe('NOT_FOUND');
    const admin = await as(w.sessionToken);
    expect(await code(admin.keys.create({ name: '', scopes: ['read'] }))).toBe('BAD_REQUEST');
    expect(await code(admin.keys.create({ name: 'x', scopes: [] }))).toBe('BAD_REQUEST');
    expect(await code(admin.keys.create({ name: 'x', scopes: ['admin' as 'read'] }))).toBe('BAD_REQUEST');
  });
});

describe('REST /api/v1/keys', () => {
  const req = (method: string, path: string, key: string | null, body?: unknown) =>
    new Request(`http://localhost/api/v1/keys${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('lists with read, creates and revokes with write only', async () => {
    const list = await api.keys(req('GET', '', w.readKey));
    expect(list.status).toBe(200);
    const listed = ((await list.json()) as { data: { keyPrefix: string; scopes: string[] }[] }).data;
    expect(listed.map((k) => k.keyPrefix)).toContain(w.readKey.slice(0, 8));
    expect(JSON.stringify(listed)).not.toContain(w.readKey);

    expect((await api.keys(req('POST', '', w.readKey, { name: 'x', scopes: ['read'] }))).status).toBe(403);
    expect((await api.keys(req('GET', '', w.ingestKey))).status).toBe(403);
    expect((await api.keys(req('GET', '', null))).status).toBe(401);

    const admin = await as(w.sessionToken);
    const { key: writeKey } = await admin.keys.create({ name: 'automation', scopes: ['write'] });
    const created = await api.keys(req('POST', '', writeKey, { name: 'ci', scopes: ['read'] }));
    expect(created.status).toBe(201);
    const body = (await created.json()) as { key: string; data: { id: string; scopes: string[]; projectId: string } };
    expect(body.data).toMatchObject({ scopes: ['read'], projectId: 'default' });
    expect((await metrics(body.key)).status).toBe(200);

    expect((await api.keyById(req('DELETE', `/${body.data.id}`, w.readKey))).status).toBe(403);
    const revoked = await api.keyById(req('DELETE', `/${body.data.id}`, writeKey));
    expect(revoked.status).toBe(200);
    expect((await metrics(body.key)).status).toBe(401);
    expect((await api.keyById(req('DELETE', `/${body.data.id}`, writeKey))).status).toBe(404);
  });

  it('400 with the field for bad bodies', async () => {
    const { key: writeKey } = await (await as(w.sessionToken)).keys.create({ name: 'w', scopes: ['write'] });
    for (const [payload, field] of [
      [{ scopes: ['read'] }, 'name'],
      [{ name: 'x', scopes: ['root'] }, 'scopes'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x'.repeat(101), scopes: ['read'] }, 'name'],
    ] as const) {
      const r = await api.keys(req('POST', '', writeKey, payload));
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: { field: string } }).error.field).toBe(field);
    }
    expect((await api.keys(new Request('http://localhost/api/v1/keys', { method: 'POST', headers: { authorization: `Bearer ${writeKey}`, 'content-type': 'application/json' }, body: '{' }))).status).toBe(400);
  });
});

describe('open loopback ingest (runs last: revokes every ingest key)', () => {
  it('says whether an ingest key would end it; read and write keys do not', async () => {
    const admin = await as(w.sessionToken);
    expect((await admin.keys.list()).openIngest).toBe(false);
    for (const k of await listApiKeys(w.store)) if (k.scopes.includes('ingest')) await revokeApiKey(w.store, k.id);
    expect((await admin.keys.list()).openIngest).toBe(true);
    const rw = await admin.keys.create({ name: 'ops', scopes: ['read', 'write'] });
    expect(rw.endedOpenIngest).toBe(false);
    expect((await admin.keys.list()).openIngest).toBe(true);
    const ingest = await admin.keys.create({ name: 'sdk', scopes: ['ingest'] });
    expect(ingest.endedOpenIngest).toBe(true);
    expect((await admin.keys.list()).openIngest).toBe(false);
  });
});
