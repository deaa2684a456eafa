import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as trpcPost } from '../app/api/trpc/[trpc]/route.ts';
import { logoutHandler } from './rest/auth.ts';
import { setStore } from './store.ts';
import { openTestWorld, type TestWorld } from './testing.ts';

/** Cookie-authenticated changes refuse what a forged cross-site request looks like. */
let w: TestWorld;
beforeAll(async () => {
  w = await openTestWorld('plumb-csrf-');
  setStore(w.store);
}, 60_000);
afterAll(async () => w?.store.close());

const mutation = (headers: Record<string, string>) =>
  trpcPost(
    new Request('http://localhost:3000/api/trpc/keys.create', {
      method: 'POST',
      headers: { host: 'localhost:3000', cookie: `plumb_session=${w.sessionToken}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ json: { name: 'csrf', scopes: ['read'] } }),
    }),
  );

describe('CSRF on cookie-authenticated mutations', () => {
  it.each<[string, Record<string, string>]>([
    ['a plain form-like POST (no custom header)', {}],
    ['a cross-site fetch (Sec-Fetch-Site)', { 'x-plumb-csrf': '1', 'sec-fetch-site': 'cross-site' }],
    ['a same-site subdomain (Sec-Fetch-Site same-site)', { 'x-plumb-csrf': '1', 'sec-fetch-site': 'same-site' }],
    ['another Origin', { 'x-plumb-csrf': '1', origin: 'https://evil.example' }],
    ['Origin null', { 'x-plumb-csrf': '1', origin: 'null' }],
  ])('refuses %s with 403', async (_what, headers) => {
    const r = await mutation(headers);
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('csrf');
  });

  it('accepts the app’s own request (same origin, custom header)', async () => {
    const r = await mutation({ 'x-plumb-csrf': '1', origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' });
    expect(r.status).toBe(200);
  });

  it('does not apply to reads, nor to requests without the session cookie', async () => {
    const get = await trpcPost(new Request('http://localhost:3000/api/trpc/keys.create', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }));
    expect(get.status).toBe(401); // no cookie: the normal sign-in answer, not a CSRF refusal
  });

  it('protects logout too', async () => {
    const logout = logoutHandler(async () => w.store);
    const forged = await logout(new Request('http://localhost:3000/api/auth/logout', { method: 'POST', headers: { cookie: `plumb_session=${w.sessionToken}` } }));
    expect(forged.status).toBe(403);
  });
});
