import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bootstrapProjects, buildFixture, ensureProject, exportTraceBundle, fixtureTraceId, insertFixture, listSigningKeys, rotateSigningKey, Store, verifyBundle, type TraceBundle,
} from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Verifiable record: a bundle exported from the real store verifies; `plumb verify` (the real
 * CLI, a child process) fails on an altered, a missing and an added span, on a changed header
 * and on a bundle signed with another key.
 */
let store: Store;
let bundle: TraceBundle;
const dir = mkdtempSync(join(tmpdir(), 'plumb-verify-'));
const root = join(import.meta.dirname, '../../../..');

beforeAll(async () => {
  store = await Store.open(testStoreConfig(join(dir, 'ch')));
  await store.migrate();
  await bootstrapProjects(store);
  await insertFixture(store, buildFixture());
  bundle = await exportTraceBundle(store, 'default', [fixtureTraceId(0), fixtureTraceId(1)]);
}, 60_000);
afterAll(async () => store?.close());

const clone = (): TraceBundle => JSON.parse(JSON.stringify(bundle)) as TraceBundle;
function cli(b: TraceBundle, extra: string[] = []): { status: number | null; out: string } {
  const file = join(dir, `b-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(b));
  const r = spawnSync('node', ['apps/plumb/bin/plumb.js', 'verify', file, ...extra], { cwd: root, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}
const spanIndexes = () => bundle.entries.flatMap((e, i) => (e.kind === 'span' ? [i] : []));

describe('trace bundles', () => {
  it('holds the spans, the prices used and the trace context, and verifies', async () => {
    expect(bundle.counts.span).toBeGreaterThan(3);
    const priceIds = new Set(bundle.entries.filter((e) => e.kind === 'span').map((e) => (e.data as { price_id: string }).price_id).filter(Boolean));
    expect(priceIds.size).toBeGreaterThan(0);
    expect(bundle.counts.price).toBe(priceIds.size);
    expect(new Set(bundle.entries.filter((e) => e.kind === 'span').map((e) => (e.data as { trace_id: string }).trace_id))).toEqual(new Set([fixtureTraceId(0), fixtureTraceId(1)]));
    expect(verifyBundle(bundle).ok).toBe(true);
    const key = (await listSigningKeys(store, 'default'))[0]!;
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, key.publicKey);
    const ok = cli(bundle, ['--public-key', keyFile]);
    expect(ok.out).toContain('OK');
    expect(ok.status).toBe(0);
  });

  it('fails on an altered span', () => {
    const b = clone();
    const i = spanIndexes()[2]!;
    (b.entries[i]!.data as Record<string, unknown>).cost_usd = '0.000000000001';
    const r = cli(b);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(new RegExp(`entry ${i} \\(span .*content altered`));
  });

  it('fails on a missing span', () => {
    const b = clone();
    b.entries.splice(spanIndexes()[1]!, 1);
    const r = cli(b);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/spans? entries signed, \d+ present \(missing entries\)/);
  });

  it('fails on an added span, even one copied with its own hash', () => {
    const b = clone();
    const i = spanIndexes()[0]!;
    b.entries.splice(i + 1, 0, JSON.parse(JSON.stringify(b.entries[i])) as TraceBundle['entries'][number]);
    const r = cli(b);
    expect(r.status).toBe(1);
    expect(r.out).toContain('added entries');
  });

  it('fails when the header is changed, or the bundle was signed with another key', async () => {
    const b = clone();
    b.projectId = 'other';
    expect(cli(b).status).toBe(1);
    const old = (await listSigningKeys(store, 'default'))[0]!;
    await rotateSigningKey(store, 'default');
    const keys = await listSigningKeys(store, 'default');
    expect(keys.map((k) => k.retired)).toEqual([false, true]);
    expect(keys[1]!.id).toBe(old.id);
    const newKeyFile = join(dir, 'new-key.pem');
    writeFileSync(newKeyFile, keys[0]!.publicKey);
    const r = cli(bundle, ['--public-key', newKeyFile]);
    expect(r.status).toBe(1);
    expect(r.out).toContain('not with the expected key');
    // A bundle exported after the rotation is signed with the new key.
    const fresh = await exportTraceBundle(store, 'default', [fixtureTraceId(0)]);
    expect(cli(fresh, ['--public-key', newKeyFile]).status).toBe(0);
  });

  it('never reads another project', async () => {
    await ensureProject(store, 'other', 'Other');
    const b = await exportTraceBundle(store, 'other', [fixtureTraceId(0)]);
    expect(b.counts).toEqual({ span: 0, price: 0, correction: 0 });
    expect(verifyBundle(b).ok).toBe(true);
  });
});
