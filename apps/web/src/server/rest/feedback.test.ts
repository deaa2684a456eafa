import { createApiKey, fixtureTraceId, listTraceScores } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestWorld, type TestWorld } from '../testing.ts';
import { createRestApi, type RestApi } from './index.ts';

let w: TestWorld;
let api: RestApi;
let writeKey: string;
const body = async (r: Response) => (await r.json()) as Record<string, any>;
const post = (path: string, payload: unknown, key: string | null = writeKey) =>
  new Request(`http://localhost:3000/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

beforeAll(async () => {
  w = await openTestWorld('plumb-feedback-');
  api = createRestApi({ getStore: async () => w.store });
  ({ key: writeKey } = await createApiKey(w.store, { projectId: 'default', name: 'writer', scopes: ['write'] }));
});
afterAll(async () => w?.store.close());

const T0 = fixtureTraceId(0);
const T1 = fixtureTraceId(1);
const UNKNOWN = 'fe'.repeat(16);

describe('POST /api/v1/scores', () => {
  it('needs a key with the write scope', async () => {
    expect((await api.scores(post('/scores', { scores: [] }, null))).status).toBe(401);
    const r = await api.scores(post('/scores', { scores: [{ traceId: T0, name: 'x', value: 1 }] }, w.readKey));
    expect(r.status).toBe(403);
    expect((await body(r)).error.message).toMatch(/write scope/);
  });

  it.each([
    [{ scores: [{ traceId: T0, name: 'x', value: 1 }, { traceId: 'not-hex', name: 'x', value: 1 }] }, 'scores[1].traceId'],
    [{ scores: [{ traceId: T0, name: 'x', value: { nested: true } }] }, 'scores[0].value'],
    [{ scores: [{ traceId: T0, name: '', value: 1 }] }, 'scores[0].name'],
    [{ scores: [{ traceId: T0, name: 'x', value: 1, source: 'robot' }] }, 'scores[0].source'],
    [{ scores: [{ traceId: T0, name: 'x', value: 1, colour: 'red' }] }, 'scores[0].colour'],
    [{ scores: [] }, 'scores'],
    [{ score: [] }, 'scores'], // the missing required field is named first
  ])('400 naming the field: %j → %s', async (payload, field) => {
    const r = await api.scores(post('/scores', payload));
    expect(r.status).toBe(400);
    const b = await body(r);
    expect(b.error).toMatchObject({ code: 'invalid_parameter', field });
    expect(b.error.message).toContain(field);
  });

  it('400 for a body that is not JSON, 415 for another content type', async () => {
    expect((await body(await api.scores(post('/scores', '{"scores": [')))).error.code).toBe('invalid_body');
    const r = await api.scores(new Request('http://localhost/api/v1/scores', { method: 'POST', headers: { authorization: `Bearer ${writeKey}` }, body: 'x' }));
    expect(r.status).toBe(415);
  });

  it('stores known traces, reports unknown ones, counts the same id once and an exact retry once', async () => {
    const payload = {
      scores: [
        { id: 'fb-1', traceId: T0, name: 'feedback', value: false, comment: 'wrong answer' },
        { traceId: T1, name: 'relevance', value: 0.8, source: 'llm-judge' },
        { traceId: UNKNOWN, name: 'relevance', value: 0.1, source: 'llm-judge' },
        { id: 'fb-1', traceId: T0, name: 'feedback', value: true },
      ],
    };
    const r = await api.scores(post('/scores', payload));
    expect(r.status).toBe(200);
    const b = await body(r);
    expect(b).toMatchObject({ accepted: 2, duplicates: 1, rejected: [{ index: 2, traceId: UNKNOWN, reason: 'unknown_trace' }] });
    await api.scores(post('/scores', payload)); // the client retried the whole batch
    const t0 = await listTraceScores(w.store, 'default', T0);
    expect(t0.map((s) => [s.id, s.stringValue, s.source])).toEqual([['fb-1', 'true', 'human']]);
    expect(await listTraceScores(w.store, 'default', T1)).toHaveLength(1);
  });
});

describe('POST /api/v1/labels', () => {
  it('stores a label, replaces it by the same prediction, reports unknown traces, 400 naming the field', async () => {
    const r = await body(await api.labels(post('/labels', { labels: [{ traceId: T0, name: 'intent', value: 'billing' }, { traceId: UNKNOWN, value: 'x' }] })));
    expect(r).toMatchObject({ accepted: 1, rejected: [{ index: 1, reason: 'unknown_trace' }] });
    const bad = await api.labels(post('/labels', { labels: [{ traceId: T0, value: 7 }] }));
    expect((await body(bad)).error.field).toBe('labels[0].value');
  });
});

describe('OpenAPI', () => {
  it('documents the write endpoints with their body schemas', async () => {
    const doc = await body(await api.openapi(new Request('http://localhost/api/v1/openapi.json')));
    expect(doc.paths['/scores'].post.requestBody.content['application/json'].schema.properties.scores.maxItems).toBe(1000);
    expect(doc.paths['/labels'].post.operationId).toBe('writeLabels');
    expect(doc.components.schemas.WriteResult).toBeDefined();
  });
});

describe('/api/v1/drift-monitors', () => {
  const monitor = { name: 'output length', feature: { kind: 'numeric', field: 'output_tokens' } };
  it('CRUD + evaluate with the write scope; 400 naming the field; 404 for an unknown id', async () => {
    const bad = await api.driftMonitors(post('/drift-monitors', { ...monitor, feature: { kind: 'numeric', field: 'attribute' } }));
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.field).toBe('feature.key');
    const bad2 = await api.driftMonitors(post('/drift-monitors', { ...monitor, currentWindow: '0s' }));
    expect((await body(bad2)).error.field).toBe('currentWindow');
    expect((await api.driftMonitors(post('/drift-monitors', monitor, w.readKey))).status).toBe(403);
    const created = await api.driftMonitors(post('/drift-monitors', monitor));
    expect(created.status).toBe(201);
    const m = (await body(created)).data;
    expect(m).toMatchObject({ name: 'output length', spanSet: 'llm', reference: { kind: 'previous', days: 7 }, currentMs: 86_400_000, method: 'auto', topK: 20 });
    const get = (path: string, key = w.readKey) => new Request(`http://localhost/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
    const list = await body(await api.driftMonitors(get('/drift-monitors')));
    expect(list.data.map((x: { monitor: { id: string } }) => x.monitor.id)).toContain(m.id);
    const ev = await api.driftMonitors(post(`/drift-monitors/${m.id}/evaluate`, {}));
    expect(ev.status).toBe(200);
    const detail = await body(await api.driftMonitors(get(`/drift-monitors/${m.id}`)));
    expect(detail.data.monitor.id).toBe(m.id);
    expect((await api.driftMonitors(get('/drift-monitors/dm_nope'))).status).toBe(404);
    const del = await api.driftMonitors(new Request(`http://localhost/api/v1/drift-monitors/${m.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${writeKey}` } }));
    expect(del.status).toBe(200);
    expect((await api.driftMonitors(get(`/drift-monitors/${m.id}`))).status).toBe(404);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await body(await api.openapi(new Request('http://localhost/api/v1/openapi.json')));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/drift-monitors', '/drift-monitors/{id}', '/drift-monitors/{id}/evaluate']));
    expect(doc.paths['/drift-monitors'].post.requestBody.content['application/json'].schema.properties.method.enum).toContain('wasserstein');
  });
});
