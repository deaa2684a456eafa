import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TtlCache } from './cache.ts';
import { createApiKey, ensureProject, KeyVerifier, revokeApiKey } from './keys.ts';
import { getMembershipRole, listUserProjects, removeMembership, roleAtLeast, setMembership } from './memberships.ts';
import { loadMigrations } from './migrations.ts';
import { sql } from './sql.ts';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';
import { createUser, ensureAdminUser } from './users.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-members-'))));
});
afterAll(async () => store?.close());

describe('migration 0008', () => {
  it('makes every existing user a member of every existing project: global admins as admin, others as viewer', async () => {
    await store.migrate(loadMigrations().filter((m) => m.name < '0008'));
    for (const [id, name] of [['default', 'Default'], ['other', 'Other']]) {
      await store.command(sql`INSERT INTO projects (id, name, _version) VALUES (${id}, ${name}, 1)`);
    }
    const admin = await createUser(store, { email: 'root@example.com', password: 'password-1', role: 'admin' });
    const member = await createUser(store, { email: 'm@example.com', password: 'password-2' });
    expect(await store.migrate()).toContain('0008_memberships');
    for (const p of ['default', 'other']) {
      expect(await getMembershipRole(store, p, admin.id)).toBe('admin');
      expect(await getMembershipRole(store, p, member.id)).toBe('viewer');
    }
    expect(await getMembershipRole(store, 'nope', admin.id)).toBeNull();
  });
});

describe('memberships', () => {
  it('orders roles', () => {
    expect(roleAtLeast('admin', 'editor')).toBe(true);
    expect(roleAtLeast('editor', 'editor')).toBe(true);
    expect(roleAtLeast('viewer', 'editor')).toBe(false);
  });

  it('applies changes at once despite the cache', async () => {
    const u = await createUser(store, { email: 'c@example.com', password: 'password-3' });
    expect(await getMembershipRole(store, 'other', u.id)).toBeNull(); // cached miss
    await setMembership(store, 'other', u.id, 'editor');
    expect(await getMembershipRole(store, 'other', u.id)).toBe('editor');
    expect((await listUserProjects(store, u.id)).map((p) => [p.id, p.role])).toEqual([['other', 'editor']]);
    await setMembership(store, 'other', u.id, 'viewer');
    expect(await getMembershipRole(store, 'other', u.id)).toBe('viewer');
    expect(await removeMembership(store, 'other', u.id)).toBe(true);
    expect(await getMembershipRole(store, 'other', u.id)).toBeNull();
    expect(await listUserProjects(store, u.id)).toEqual([]);
    expect(await removeMembership(store, 'other', u.id)).toBe(false);
  });

  it('a new project gets the instance admins as its admins', async () => {
    const [root] = await store.query<{ id: string }>(sql`SELECT id FROM users FINAL WHERE email = 'root@example.com'`);
    await ensureProject(store, 'fresh', 'Fresh');
    expect(await getMembershipRole(store, 'fresh', root!.id)).toBe('admin');
  });
});

describe('first admin', () => {
  it('is admin of every existing project', async () => {
    const s2 = store; // same engine, other data: wipe users to simulate a first start
    await s2.command(sql`TRUNCATE TABLE users`);
    const r = await ensureAdminUser(s2, 'first@example.com', 'first-password');
    expect(r.created).toBe(true);
    const [first] = await s2.query<{ id: string }>(sql`SELECT id FROM users FINAL WHERE email = 'first@example.com'`);
    for (const p of ['default', 'other', 'fresh']) expect(await getMembershipRole(s2, p, first!.id)).toBe('admin');
  });
});

describe('key verification cache', () => {
  it('drops a revoked key at once and keeps real keys through a flood of random ones', async () => {
    const verifier = new KeyVerifier(store);
    const { key, info } = await createApiKey(store, { projectId: 'default', name: 'k', scopes: ['read'] });
    expect(await verifier.verify(key)).toMatchObject({ projectId: 'default', scopes: ['read'] });
    for (let i = 0; i < 50; i++) expect(await verifier.verify(`plb_random_${i}_xxxxxxxxxxxxxxxx`)).toBeNull();
    // Served from the cache: a stopped engine would not be asked.
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) await verifier.verify(key);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(await revokeApiKey(store, info.id, 'other')).toBe(false); // another project's key
    expect(await revokeApiKey(store, info.id, 'default')).toBe(true);
    expect(await verifier.verify(key)).toBeNull();
  });

  it('keeps misses apart from hits', () => {
    const c = new TtlCache<string>(60_000, 60_000, 10, 10);
    c.set('real', 'v');
    for (let i = 0; i < 1000; i++) c.set(`junk${i}`, null);
    expect(c.get('real')).toBe('v');
    expect(c.size.misses).toBeLessThanOrEqual(10);
    expect(c.get('junk999')).toBeNull();
    expect(c.get('never')).toBeUndefined();
  });
});
