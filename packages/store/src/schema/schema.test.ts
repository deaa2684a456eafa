import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store.ts';
import { sql } from '../sql.ts';
import { testStoreConfig } from '../testing.ts';
import { loadMigrations } from '../migrations.ts';
import { insertSpanBatch } from '../spans.ts';
import { getSpanDetail } from '../queries/trace.ts';
import { attributeEquals, promoteAttributes, PROMOTED_ATTRIBUTES, restoreAttributes } from './promoted.ts';
import { RESOURCE_FIELDS, resourceColumns, serializeResourceRow } from './resources.ts';
import { nanosToDateTime64, SPAN_COLUMNS, SPAN_DETAIL_JSON_SCHEMA, SPAN_FIELDS, SPAN_JSON_SCHEMA, serializeSpanRow, type SpanRow } from './spans.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-schema-'))));
  // Up to 0004 first, with a row in the old layout, so 0005's data move is exercised.
  await store.migrate(loadMigrations().filter((m) => m.name < '0005'));
  await store.command(sql`INSERT INTO spans (project_id, trace_id, span_id, name, start_time, end_time, attributes, resource_attributes, _version)
    VALUES ('old', 'aaaa', 'bbbb', 'legacy', now64(9), now64(9), map('k', 'v'), map('host.name', 'h-old', 'k8s.pod.name', 'pod-1', 'x', 'y'), 1)`);
  await store.migrate();
});
afterAll(async () => store?.close());

const columnsOf = async (table: string) =>
  store.query<{ name: string; type: string }>(sql`SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ${table} ORDER BY name`);
const declared = (fields: readonly { column: string; type: string }[]) =>
  fields.map((f) => ({ name: f.column, type: f.type })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

const resource = { 'service.name': 'svc', 'host.name': 'h-1', 'service.instance.id': 'i-1', 'k8s.namespace.name': 'ns' };
function row(over: Partial<SpanRow> = {}): SpanRow {
  return {
    projectId: 'p', traceId: 't'.repeat(32), spanId: 's'.repeat(16), parentSpanId: '', isRoot: true, traceState: '', name: 'n', kind: 2,
    service: 'svc', serviceVersion: '1', environment: 'prod', scopeName: 'sc', startTimeUnixNano: BigInt(Date.now() - 60_000) * 1_000_000n + 1n,
    endTimeUnixNano: BigInt(Date.now() - 59_500) * 1_000_000n, statusCode: 'ok', statusMessage: '', errorType: '', operation: 'chat', category: 'llm',
    provider: 'openai', requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024', finishReason: 'stop', agentName: '', agentId: '', toolName: '',
    sessionId: '', userId: '', tenant: 'acme', requestType: 'chat', route: '/chat', inputTokens: 10, outputTokens: 5, cacheReadTokens: 0,
    cacheWriteTokens: 0, reasoningTokens: 0, usageCounted: true, ttftMs: null, costUsd: '0.000000000001', pricingStatus: 'priced', priceId: 'x',
    inputText: 'in', outputText: 'out', attributes: { a: '1' }, attributesPromoted: 0, resourceAttributes: resource, ...resourceColumns(resource),
    events: [{ timeUnixNano: 1_700_000_000_100_000_000n, name: 'e', attributes: {} }], links: [], contextResolved: true, version: 1,
    ...over,
  };
}

describe('span field table', () => {
  it('matches the migrated spans and span_resources tables column for column (name and type)', async () => {
    expect(declared(SPAN_FIELDS)).toEqual(await columnsOf('spans'));
    expect(declared(RESOURCE_FIELDS)).toEqual(await columnsOf('span_resources'));
  });

  it('serializes one value per insert column, which the engine accepts', async () => {
    const line = serializeSpanRow(row());
    expect(JSON.parse(line)).toHaveLength(SPAN_COLUMNS.length);
    await store.insertRaw('spans', SPAN_COLUMNS, line);
    const [back] = await store.query<{ d: string; c: string; f: string; h: string; i: string }>(sql`SELECT toString(duration_ns) AS d,
      toString(cost_usd) AS c, finish_reason AS f, host AS h, service_instance AS i FROM spans WHERE project_id = 'p'`);
    expect(back).toEqual({ d: '499999999', c: '0.000000000001', f: 'stop', h: 'h-1', i: 'i-1' });
  });

  it('writes nanosecond times exactly', () => {
    expect(nanosToDateTime64(1_700_000_000_000_000_001n)).toBe('1700000000.000000001');
    expect(nanosToDateTime64(1_000_000_000n)).toBe('0000000001.000000000');
    expect(nanosToDateTime64(999_999_999n)).toBe('0000000000.999999999');
    expect(nanosToDateTime64(5n)).toBe('0000000000.000000005');
  });

  it('derives the public JSON Schemas with camelCase names', () => {
    const span = SPAN_JSON_SCHEMA as { properties: Record<string, unknown>; required: string[] };
    const detail = SPAN_DETAIL_JSON_SCHEMA as { properties: Record<string, unknown> };
    for (const name of ['traceId', 'spanId', 'parentSpanId', 'name', 'service', 'startTime', 'endTime', 'durationMs', 'status', 'tenant',
      'requestType', 'provider', 'operation', 'category', 'agent', 'tool', 'model', 'responseModel', 'inputTokens', 'outputTokens',
      'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens', 'costUsd', 'priceId', 'finishReason', 'route', 'host']) {
      expect(span.properties).toHaveProperty(name);
    }
    expect(span.required).toEqual(Object.keys(span.properties));
    expect(span.properties).not.toHaveProperty('attributes');
    for (const name of ['attributes', 'resourceAttributes', 'events', 'inputText', 'costUsdExact']) expect(detail.properties).toHaveProperty(name);
    for (const name of Object.keys(detail.properties)) expect(name).toMatch(/^[a-z][A-Za-z0-9]*$/);
  });
});

describe('0005: resources once per resource', () => {
  it('moved the resource maps of existing rows into span_resources and kept their promoted columns', async () => {
    const [old] = await store.query<{ host: string; pod: string; attrs: Record<string, string> }>(sql`SELECT s.host AS host, s.k8s_pod AS pod,
      r.attributes AS attrs FROM spans AS s INNER JOIN span_resources AS r ON r.project_id = s.project_id AND r.resource_hash = s.resource_hash
      WHERE s.project_id = 'old'`);
    expect(old).toEqual({ host: 'h-old', pod: 'pod-1', attrs: { 'host.name': 'h-old', 'k8s.pod.name': 'pod-1', x: 'y' } });
  });

  it('span detail reads the resource and rebuilds promoted attributes', async () => {
    const attrs = { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': '10', 'tenant.id': 'acme', 'gen_ai.agent.name': 'other', keep: 'me' };
    const r = row({ projectId: 'd', spanId: 'd'.repeat(16), agentName: 'planner' });
    const { attributes, promoted } = promoteAttributes(attrs, r);
    // The agent attribute differs from its column, so it stays in the map.
    expect(attributes).toEqual({ 'gen_ai.agent.name': 'other', keep: 'me' });
    const spans = Buffer.from(serializeSpanRow({ ...r, attributes, attributesPromoted: promoted }));
    const res = Buffer.from(serializeResourceRow('d', r.resourceHash, resource));
    await insertSpanBatch(store, spans, res);
    await insertSpanBatch(store, spans, res); // a re-delivery collapses in both tables
    const d = await getSpanDetail(store, 'd', r.traceId, r.spanId);
    expect(d!.attributes).toEqual(attrs);
    expect(d!.resourceAttributes).toEqual(resource);
    expect(d).toMatchObject({ host: 'h-1', serviceInstance: 'i-1', k8sNamespace: 'ns', model: 'gpt-4o', agent: 'planner' });
    const [n] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM span_resources FINAL WHERE project_id = 'd'`);
    expect(n!.n).toBe(1);
  });

  it('filters on a promoted attribute as if it were in the map', async () => {
    const match = (k: string, v: string) =>
      store.query<{ n: number }>(sql`SELECT count() AS n FROM spans WHERE project_id = 'd' AND ${attributeEquals(k, v)}`).then((x) => x[0]!.n);
    expect(await match('gen_ai.request.model', 'gpt-4o')).toBe(2);
    expect(await match('gen_ai.usage.input_tokens', '10')).toBe(2);
    expect(await match('gen_ai.request.model', 'gpt-4')).toBe(0);
    expect(await match('keep', 'me')).toBe(2);
    // A row whose map never had the key does not match through its column.
    expect(await match('llm.model_name', 'gpt-4o')).toBe(0);
  });

  it('promote / restore round-trips and the list stays within the UInt32 mask', () => {
    expect(PROMOTED_ATTRIBUTES.length).toBeLessThanOrEqual(32);
    const r = row({ sessionId: 'c1', userId: 'u1' });
    const attrs = { 'gen_ai.conversation.id': 'c1', 'user.id': 'u1', 'gen_ai.response.model': 'gpt-4o-2024', 'gen_ai.usage.output_tokens': '6' };
    const { attributes, promoted } = promoteAttributes(attrs, r);
    expect(attributes).toEqual({ 'gen_ai.usage.output_tokens': '6' });
    expect(restoreAttributes(attributes, promoted, r)).toEqual(attrs);
  });
});
