import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from './store.ts';
import { testStoreConfig } from './testing.ts';
import {
  checkPasswordHash, countAdmins, createSession, createUser, deleteSession, ensureAdminUser, getSession, hashPassword, verifyPassword,
} from './users.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-users-'))));
  await store.migrate();
});
afterAll(async () => store?.close());

describe('password hashing', () => {
  it('salts every hash and verifies only the right password', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await checkPasswordHash('correct horse', a)).toBe(true);
    expect(await checkPasswordHash('correct horsf', a)).toBe(false);
    expect(await checkPasswordHash('x', 'md5$abc')).toBe(false);
  });
});

describe('users and sessions', () => {
  it('counts no admin before first-run setup (the sign-in page shows setup hints only then)', async () => {
    expect(await countAdmins(store)).toBe(0);
  });

  it('creates the first admin once, with a generated password when none is given', async () => {
    const first = await ensureAdminUser(store);
    expect(first.created).toBe(true);
    expect(first.email).toBe('admin@localhost');
    expect(first.generatedPassword!.length).toBeGreaterThanOrEqual(16);
    expect(await countAdmins(store)).toBe(1);
    expect(await ensureAdminUser(store, 'other@example.com', 'password123')).toEqual({ created: false, email: 'other@example.com' });
    const user = await verifyPassword(store, 'ADMIN@localhost ', first.generatedPassword!);
    expect(user).toMatchObject({ email: 'admin@localhost', role: 'admin' });
    expect(user).not.toHaveProperty('passwordHash');
    expect(await verifyPassword(store, 'admin@localhost', 'wrong-password')).toBeNull();
    expect(await verifyPassword(store, 'nobody@localhost', first.generatedPassword!)).toBeNull();
  });

  it('rejects duplicate emails and weak passwords', async () => {
    await createUser(store, { email: 'ana@example.com', password: 'long enough' });
    await expect(createUser(store, { email: 'Ana@example.com', password: 'long enough' })).rejects.toThrow(/already exists/);
    await expect(createUser(store, { email: 'bo@example.com', password: 'short' })).rejects.toThrow(/at least 8/);
    await expect(createUser(store, { email: 'not-an-email', password: 'long enough' })).rejects.toThrow(/invalid email/);
  });

  it('issues sessions that resolve to the user until revoked or expired', async () => {
    const user = (await verifyPassword(store, 'ana@example.com', 'long enough'))!;
    const { token, expiresAt } = await createSession(store, user.id);
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3_600_000);
    const session = await getSession(store, token);
    expect(session!.user).toEqual(user);
    expect(await getSession(store, token + 'x')).toBeNull();
    const [row] = await store.query<{ n: number }>(
      (await import('./sql.ts')).sql`SELECT count() AS n FROM sessions WHERE token_hash = ${token}`,
    );
    expect(row!.n).toBe(0); // stored hashed, never in clear
    expect(await deleteSession(store, token)).toBe(true);
    expect(await getSession(store, token)).toBeNull();
    expect(await deleteSession(store, token)).toBe(false);
    const expired = await createSession(store, user.id, -1000);
    expect(await getSession(store, expired.token)).toBeNull();
  });
});
