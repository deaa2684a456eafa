import { join } from 'node:path';
import { createApiKey, DEFAULT_PROJECT_ID, saveContentSettings, sql } from '@plumb/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesContaining } from '../testing/disk-scan.ts';
import { hexId, otlpJson, postJson, startTestCollector, type TestCollector } from '../testing.ts';

/**
 * Done-when of content controls: a redacted value never appears on disk. Spans carrying an
 * email, an API key, a card number, a password attribute and a long prompt go through the real
 * collector (HTTP, WAL, writer, embedded engine); then every file of the WAL and of the engine's
 * data directory is scanned for the secrets. A canary value that is NOT redacted must be found
 * in the same scans: it proves they read the bytes the secrets would be in.
 */
const SECRETS = {
  email: 'alice.secret@example-corp.com',
  apiKey: 'sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a',
  card: '4111 1111 1111 1111',
  password: 'hunter2-password-xyz-991',
  token: 'tok-zzz-unique-98765-abc',
  promptTail: 'PROMPT-TAIL-never-stored-7731',
};
const CANARY = 'canary-7f3e9a1b2c4d6e8f0a1b2c3d';

let c: TestCollector;
let key = '';
beforeAll(async () => {
  // A long batch delay: the WAL still holds the record when it is scanned.
  c = await startTestCollector({ batchMaxDelayMs: 60_000, batchMaxRows: 1_000_000 });
  key = (await createApiKey(c.store, { projectId: DEFAULT_PROJECT_ID, name: 'k', scopes: ['ingest'] })).key;
  await saveContentSettings(c.store, DEFAULT_PROJECT_ID, {
    capture: 'truncate', captureMaxBytes: 24, redactKeys: ['user.password', 'secret.*'], redactPatterns: ['email', 'api_key', 'card'], maxValueBytes: 4096, maxSpanBytes: 0,
  });
}, 60_000);
afterAll(async () => {
  await c?.stop();
  await c?.store.close();
});

describe('content controls before anything is written', () => {
  it('keeps redacted values out of the WAL and the data directory', async () => {
    const traceId = hexId(16);
    const spanId = hexId(8);
    const now = Date.now();
    const body = otlpJson(
      [
        {
          traceId, spanId, name: 'chat', startMs: now - 50, durationMs: 40,
          attributes: {
            'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o',
            'gen_ai.prompt': `Summarize for ${SECRETS.email}. ${'x'.repeat(40)} ${SECRETS.promptTail}`,
            'user.password': SECRETS.password,
            'secret.token': SECRETS.token,
            'http.request.header.authorization': `key ${SECRETS.apiKey}`,
            'payment.note': `card ${SECRETS.card} charged`,
            note: CANARY,
          },
          events: [{ name: 'log', timeMs: now - 20, attributes: { message: `mail to ${SECRETS.email} with ${SECRETS.apiKey}` } }],
        },
      ],
      { 'service.name': 'billing', 'deployment.owner': SECRETS.email },
    );
    const r = await postJson(c.url, body, { authorization: `Bearer ${key}` });
    expect(r.status).toBe(200);

    const wal = join(c.dir, 'wal');
    expect(filesContaining(wal, CANARY).length, 'the scan sees the WAL record').toBeGreaterThan(0);
    // Whole secrets, and their first 12 characters (a cut through a secret must not leave its start).
    for (const [what, secret] of Object.entries(SECRETS)) {
      expect(filesContaining(wal, secret), `${what} in the WAL`).toEqual([]);
      expect(filesContaining(wal, secret.slice(0, 12)), `the start of ${what} in the WAL`).toEqual([]);
    }

    await c.collector.flush();
    const data = join(c.dir, 'ch');
    expect(filesContaining(data, CANARY).length, 'the scan sees the stored span').toBeGreaterThan(0);
    for (const [what, secret] of Object.entries(SECRETS)) {
      expect(filesContaining(data, secret), `${what} in the data directory`).toEqual([]);
      expect(filesContaining(data, secret.slice(0, 12)), `the start of ${what} in the data directory`).toEqual([]);
    }

    const [row] = await c.store.query<{ attrs: Record<string, string>; input: string }>(
      sql`SELECT attributes AS attrs, input_text AS input FROM spans WHERE trace_id = ${traceId} AND span_id = ${spanId}`,
    );
    expect(row!.attrs['user.password']).toBe('[REDACTED]');
    expect(row!.attrs['payment.note']).toBe('card [REDACTED:card] charged');
    expect(row!.attrs['http.request.header.authorization']).toBe('key [REDACTED:api_key]');
    expect(row!.input).toBe('Summarize for [REDACTED:');
    expect(Number(row!.attrs['plumb.redacted_values'])).toBeGreaterThanOrEqual(5);
    expect(Number(row!.attrs['plumb.truncated_values'])).toBe(1);
  }, 60_000);
});
