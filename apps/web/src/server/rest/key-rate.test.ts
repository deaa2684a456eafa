import { FIXTURE_START } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestWorld, type TestWorld } from '../testing.ts';
import { createRestApi, type RestApi } from './index.ts';

/** Per-key REST rate limit (PLUMB_KEY_RATE_LIMIT requests/s, burst twice that): 429 + Retry-After past it. */
let w: TestWorld;
let api: RestApi;
beforeAll(async () => {
  process.env.PLUMB_KEY_RATE_LIMIT = '1';
  w = await openTestWorld('plumb-key-rate-');
  api = createRestApi({ getStore: async () => w.store });
}, 60_000);
afterAll(async () => {
  delete process.env.PLUMB_KEY_RATE_LIMIT;
  await w?.store.close();
});

describe('REST rate limit per API key', () => {
  it('refuses a key past its rate with 429 and Retry-After', async () => {
    const from = FIXTURE_START.getTime();
    const get = () => api.listTraces(new Request(`http://localhost/api/v1/traces?from=${from}&to=${from + 60_000}&limit=1`, { headers: { authorization: `Bearer ${w.readKey}` } }));
    const statuses: number[] = [];
    let retryAfter = '';
    for (let i = 0; i < 10; i++) {
      const r = await get();
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after') ?? '';
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
