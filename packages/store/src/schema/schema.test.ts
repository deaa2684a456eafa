import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store.ts';
import { sql } from '../sql.ts';
import { testStoreConfig } from '../testing.ts';
import { SPAN_COLUMNS, SPAN_DETAIL_JSON_SCHEMA, SPAN_FIELDS, SPAN_JSON_SCHEMA, serializeSpanRow, type SpanRow } from './spans.ts';

let store: Store;
beforeAll(async () => {
  store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), 'plumb-schema-'))));
  await store.migrate();
});
afterAll(async () => store?.close());

const columnsOf = async (table: string) =>
  store.query<{ name: string; type: string }>(sql`SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ${table} ORDER BY position`);

describe('span field table', () => {
  it('matches the migrated spans table column for column (name and type)', async () => {
    const stored = await columnsOf('spans');
    const declared = SPAN_FIELDS.map((f) => ({ name: f.column, type: f.type }));
    expect([...declared].sort((a, b) => a.name.localeCompare(b.name))).toEqual([...stored].sort((a, b) => a.name.localeCompare(b.name)));
  });

  it('serializes one value per insert column, which the engine accepts', async () => {
    const row = {
      projectId: 'p', traceId: 't'.repeat(32), spanId: 's'.repeat(16), parentSpanId: '', isRoot: true, traceState: '', name: 'n', kind: 2,
      service: 'svc', serviceVersion: '1', environment: 'prod', host: 'h', scopeName: 'sc', startTimeUnixNano: 1_700_000_000_000_000_001n,
      endTimeUnixNano: 1_700_000_000_500_000_000n, statusCode: 'ok', statusMessage: '', errorType: '', operation: 'chat', category: 'llm',
      provider: 'openai', requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024', finishReason: 'stop', agentName: '', agentId: '', toolName: '',
      sessionId: '', userId: '', tenant: 'acme', requestType: 'chat', route: '/chat', inputTokens: 10, outputTokens: 5, cacheReadTokens: 0,
      cacheWriteTokens: 0, reasoningTokens: 0, usageCounted: true, ttftMs: null, costUsd: '0.000000000001', pricingStatus: 'priced', priceId: 'x',
      inputText: 'in', outputText: 'out', attributes: { a: '1' }, resourceAttributes: { 'host.name': 'h' },
      events: [{ timeUnixNano: 1_700_000_000_100_000_000n, name: 'e', attributes: {} }], links: [], contextResolved: true, version: 1,
    } satisfies SpanRow;
    const line = serializeSpanRow(row);
    expect(JSON.parse(line)).toHaveLength(SPAN_COLUMNS.length);
    await store.insertRaw('spans', SPAN_COLUMNS, line);
    const [back] = await store.query<{ d: string; c: string; f: string }>(sql`SELECT toString(duration_ns) AS d, toString(cost_usd) AS c, finish_reason AS f FROM spans WHERE project_id = 'p'`);
    expect(back).toEqual({ d: '499999999', c: '0.000000000001', f: 'stop' });
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
    expect(detail.properties).toHaveProperty('attributes');
    expect(detail.properties).toHaveProperty('costUsdExact');
    for (const name of Object.keys(detail.properties)) expect(name).toMatch(/^[a-z][A-Za-z]*$/);
  });
});
