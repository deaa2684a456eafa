import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey, DEFAULT_PROJECT_ID } from '@plumb/store';
import { hexId, otlpJson, postJson, startTestCollector, type TestCollector } from './testing.ts';

/**
 * Open loopback ingest (no key needed from 127.0.0.1) lasts until the first INGEST key exists.
 * A read or write key — a dashboard user's REST key — must not switch it off.
 */
let c: TestCollector | undefined;
afterEach(async () => {
  await c?.stop();
  await c?.store.close();
  c = undefined;
});

const span = () => otlpJson([{ traceId: hexId(16), spanId: hexId(8), name: 'root', startMs: Date.now() - 10, durationMs: 10 }]);

describe('open loopback ingest', () => {
  it('stays open with read and write keys, closes at the first ingest key', async () => {
    c = await startTestCollector();
    expect((await postJson(c.url, span())).status).toBe(200);
    await createApiKey(c.store, { projectId: DEFAULT_PROJECT_ID, name: 'dash', scopes: ['read'] });
    await createApiKey(c.store, { projectId: DEFAULT_PROJECT_ID, name: 'ops', scopes: ['read', 'write'] });
    expect((await postJson(c.url, span())).status).toBe(200);
    expect(await c.collector.openIngest()).toBe(true);

    // A restart with those keys in the store: still open.
    const { store, dir } = c;
    await c.stop();
    c = await startTestCollector({}, { store, dir });
    expect(await c.collector.openIngest()).toBe(true);
    expect((await postJson(c.url, span())).status).toBe(200);

    // The first ingest key closes it, at once in this process.
    const { key } = await createApiKey(c.store, { projectId: DEFAULT_PROJECT_ID, name: 'sdk', scopes: ['ingest'] });
    expect(await c.collector.openIngest()).toBe(false);
    expect((await postJson(c.url, span())).status).toBe(401);
    expect((await postJson(c.url, span(), { authorization: `Bearer ${key}` })).status).toBe(200);
  });
});
