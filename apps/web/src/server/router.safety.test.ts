import { FIXTURE_START, fixtureTraceId } from '@plumb/store';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as trpcGet } from '../app/api/trpc/[trpc]/route.ts';
import { createCaller } from './router.ts';
import { setStore } from './store.ts';
import { openTestWorld, type TestWorld } from './testing.ts';

/**
 * Read-path safety of the tRPC procedures: absurd numbers, non-string filter values, huge lists
 * and strings are BAD_REQUEST (HTTP 400), never INTERNAL_SERVER_ERROR, on every procedure.
 */
let w: TestWorld;
const from = FIXTURE_START.getTime();
const to = from + 3_600_000;
const caller = () => createCaller({ store: w.store, user: w.user, projectId: 'default' });
const codeOf = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  return e instanceof TRPCError ? e.code : e === null ? 'OK' : `not a TRPCError: ${String(e)}`;
};

beforeAll(async () => {
  w = await openTestWorld('plumb-trpc-safety-');
  setStore(w.store);
});
afterAll(async () => w?.store.close());

const BIG = 'x'.repeat(10 * 1024 * 1024);
const YEAR_33658 = 1e15;
// Inputs are cast (`as never`): the point is what a client that ignores the types can send.
describe.each<[string, (input: object) => Promise<unknown>, object]>([
  ['overview.get', (i) => caller().overview.get(i as never), { from, to }],
  ['traces.list', (i) => caller().traces.list(i as never), { from, to }],
  ['metrics.query', (i) => caller().metrics.query(i as never), { from, to, measures: ['requests'] }],
  ['filters.options', (i) => caller().filters.options(i as never), { from, to }],
])('%s', (_name, call, base) => {
  it.each<[string, object]>([
    ['to in year 33658', { to: YEAR_33658 }],
    ['from = -1e300', { from: -1e300 }],
    ['from = Infinity', { from: Infinity }],
    ['from = NaN', { from: NaN }],
    ['from = an invalid Date', { from: new Date(NaN) }],
    ['from = a 10 MB string', { from: BIG }],
    ['from = an object', { from: { valueOf: 1 } }],
  ])('%s → BAD_REQUEST', async (_case, patch) => {
    expect(await codeOf(call({ ...base, ...patch }))).toBe('BAD_REQUEST');
  });
});

describe('per-procedure limits', () => {
  it.each<[string, () => Promise<unknown>]>([
    ['traces.list limit -1', () => caller().traces.list({ from, to, limit: -1 })],
    ['traces.list limit 1e12', () => caller().traces.list({ from, to, limit: 1e12 })],
    ['traces.list limit NaN', () => caller().traces.list({ from, to, limit: NaN })],
    ['traces.list minCostUsd 1e300', () => caller().traces.list({ from, to, minCostUsd: 1e300 })],
    ['traces.list minDurationMs Infinity', () => caller().traces.list({ from, to, minDurationMs: Infinity })],
    ['traces.list numeric filter values', () => caller().traces.list({ from, to, filter: { tenant: [1, 2] as never } })],
    ['traces.list object attribute value', () => caller().traces.list({ from, to, attr: { k: { nested: true } as never } })],
    ['traces.list 10k tenants', () => caller().traces.list({ from, to, filter: { tenant: Array.from({ length: 10_000 }, () => 'acme') } })],
    ['traces.list 10 MB text', () => caller().traces.list({ from, to, q: BIG })],
    ['traces.list unknown filter', () => caller().traces.list({ from, to, filter: { colour: ['red'] } as never })],
    ['metrics.query huge groupBy', () => caller().metrics.query({ from, to, measures: ['requests'], groupBy: Array.from({ length: 10_000 }, () => 'tenant') })],
    ['metrics.query numeric filter values', () => caller().metrics.query({ from, to, measures: ['requests'], filter: { tenant: [42] as never } })],
    ['metrics.query limit 1e12', () => caller().metrics.query({ from, to, measures: ['requests'], limit: 1e12 })],
    ['metrics.query interval 1e18', () => caller().metrics.query({ from, to, measures: ['requests'], interval: 1e18 })],
    ['metrics.query interval NaN', () => caller().metrics.query({ from, to, measures: ['requests'], interval: NaN })],
    ['overview.get interval 1e18', () => caller().overview.get({ from, to, interval: 1e18 })],
    ['traces.get 10 MB id', () => caller().traces.get({ traceId: BIG })],
    ['traces.get non-hex id', () => caller().traces.get({ traceId: '../../etc' })],
    ['spans.detail numeric span id', () => caller().spans.detail({ traceId: fixtureTraceId(0), spanId: 12 as never })],
    ['sessions.get 10 MB id', () => caller().sessions.get({ sessionId: BIG })],
  ])('%s → BAD_REQUEST', async (_case, run) => {
    expect(await codeOf(run())).toBe('BAD_REQUEST');
  });
});

describe('over HTTP (/api/trpc)', () => {
  const request = (path: string) => trpcGet(new Request(`http://localhost:3000/api/trpc/${path}`, { headers: { cookie: `plumb_session=${w.sessionToken}` } }));
  const input = (v: unknown) => encodeURIComponent(JSON.stringify({ json: v }));

  it('answers a valid call', async () => {
    expect((await request(`traces.list?input=${input({ from, to, limit: 1 })}`)).status).toBe(200);
  });

  it.each<[string, string]>([
    ['bad percent-encoding', 'traces.list?input=%ZZ'],
    ['invalid UTF-8', 'traces.list?input=%C3%28'],
    ['input that is not JSON', 'traces.list?input=%7Bnope'],
    ['from = 1e400', `traces.list?input=${encodeURIComponent(`{"json":{"from":1e400,"to":${to}}}`)}`],
    ['limit = -1', `traces.list?input=${input({ from, to, limit: -1 })}`],
    ['10 MB input', `traces.list?input=${input({ from, to, q: 'x'.repeat(10 * 1024 * 1024) })}`],
  ])('%s → 400', async (_case, path) => {
    const r = await request(path);
    expect(r.status).toBe(400);
  });

  it('says which field is wrong in words, not as a JSON dump of the validator\'s issues', async () => {
    const r = await request(`traces.list?input=${input({ from, to, limit: -1 })}`);
    const body = (await r.json()) as { error: { json: { message: string; data: { field?: string } } } };
    expect(body.error.json.message).toMatch(/^limit: /);
    expect(body.error.json.message).not.toContain('"code"');
    expect(body.error.json.data.field).toBe('limit');
  });
});
