import { randomBytes, scryptSync } from 'node:crypto';
import { createUser, sql } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestWorld, type TestWorld } from '../testing.ts';
import { loginHandler } from './auth.ts';
import { FREE_FAILURES, LoginThrottle } from './login-throttle.ts';

/** Abuse limits of sign-in: lockout with back-off, and scrypt at OWASP parameters with rehash on login. */
let w: TestWorld;
let login: (email: string, password: string) => Promise<Response>;
beforeAll(async () => {
  w = await openTestWorld('plumb-login-limits-');
  const handler = loginHandler(async () => w.store);
  login = (email, password) =>
    handler(new Request('http://localhost/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }));
}, 60_000);
afterAll(async () => w?.store.close());

describe('login lockout', () => {
  it('locks an account after repeated wrong passwords, before hashing, and lets it in after the wait', async () => {
    await createUser(w.store, { email: 'target@example.com', password: 'right-password' });
    for (let i = 0; i < FREE_FAILURES - 1; i++) expect((await login('target@example.com', `wrong-${i}`)).status).toBe(401);
    const locking = await login('target@example.com', 'wrong-last');
    expect(locking.status).toBe(429);
    expect(locking.headers.get('retry-after')).toBe('1');
    // Locked: even the right password is refused (the attacker cannot tell a hit from a miss).
    const t0 = performance.now();
    const during = await login('target@example.com', 'right-password');
    expect(during.status).toBe(429);
    expect(performance.now() - t0).toBeLessThan(100); // refused before scrypt (~0.3-1.5 s here)
    expect(((await during.json()) as { error: { code: string } }).error.code).toBe('too_many_attempts');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await login('target@example.com', 'right-password')).status).toBe(200);
    // A success clears the record: the next wrong password is free again.
    expect((await login('target@example.com', 'wrong-again')).status).toBe(401);
  }, 60_000);

  it('answers unknown emails exactly like known ones', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < FREE_FAILURES; i++) statuses.push((await login('nobody@example.com', `wrong-${i}`)).status);
    expect(statuses).toEqual([...Array<number>(FREE_FAILURES - 1).fill(401), 429]);
  }, 60_000);

  it('backs off exponentially up to 15 minutes', () => {
    const t = new LoginThrottle();
    const locks: number[] = [];
    let now = 1_000_000;
    for (let i = 0; i < 20; i++) {
      locks.push(t.failed('a@example.com', now));
      now += 10;
    }
    expect(locks.slice(0, FREE_FAILURES - 1)).toEqual([0, 0, 0, 0]);
    expect(locks.slice(FREE_FAILURES - 1, FREE_FAILURES + 4)).toEqual([1, 2, 4, 8, 16]);
    expect(Math.max(...locks)).toBe(900);
    expect(t.retryAfter('A@Example.com ', now)).toBeGreaterThan(0);
    t.succeeded('a@example.com');
    expect(t.retryAfter('a@example.com', now)).toBe(0);
  });
});

describe('password hashing', () => {
  it('hashes with scrypt N=2^17, r=8, p=1 and upgrades an older hash at the next login', async () => {
    const user = await createUser(w.store, { email: 'legacy@example.com', password: 'legacy-password' });
    const read = async () => (await w.store.query<{ h: string }>(sql`SELECT password_hash AS h FROM users FINAL WHERE id = ${user.id}`))[0]!.h;
    expect((await read()).split('$').slice(0, 4)).toEqual(['scrypt', '131072', '8', '1']);
    // The hash an older release wrote (N = 2^14).
    const salt = randomBytes(16);
    const old = ['scrypt', 16384, 8, 1, salt.toString('base64url'), scryptSync('legacy-password', salt, 64, { N: 16384, r: 8, p: 1 }).toString('base64url')].join('$');
    await w.store.command(sql`INSERT INTO users (id, email, name, password_hash, role, _version) VALUES (${user.id}, ${user.email}, '', ${old}, 'member', ${Date.now()})`);
    const { clearSharedCaches } = await import('@plumb/store');
    clearSharedCaches();
    expect((await login('legacy@example.com', 'legacy-password')).status).toBe(200);
    const upgraded = await read();
    expect(upgraded).not.toBe(old);
    expect(upgraded.split('$').slice(0, 4)).toEqual(['scrypt', '131072', '8', '1']);
    expect((await login('legacy@example.com', 'legacy-password')).status).toBe(200);
    expect((await login('legacy@example.com', 'not-it-at-all')).status).toBe(401);
  }, 60_000);
});
