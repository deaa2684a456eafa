import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_CACHE_BYTES } from './connection.ts';
import { sql } from './sql.ts';
import { Store } from './store.ts';

/**
 * The embedded engine shares the process with the collector (and the web and worker under
 * `plumb start`); its caches keep a server's defaults unless bounded (mark, primary index and
 * skip-index mark caches at 5 GiB each), so a long-running process could grow by gigabytes of
 * cache. This reads the engine's own view of its settings.
 */
describe.skipIf(/^https?:/.test(process.env.CLICKHOUSE_URL ?? ''))('embedded engine caches', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumb-conn-'));
    store = await Store.open({ target: { kind: 'embedded', path: join(dir, 'ch') }, cluster: '', retentionDays: 30 });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are bounded to the sizes connection.ts sets', async () => {
    const names = Object.keys(EMBEDDED_CACHE_BYTES);
    const rows = await store.query<{ name: string; value: string }>(
      sql`SELECT name, value FROM system.server_settings WHERE name IN ${names} ORDER BY name`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.name, Number(r.value)]))).toEqual(EMBEDDED_CACHE_BYTES);
    for (const r of rows) expect(Number(r.value)).toBeLessThanOrEqual(256 * 1024 * 1024);
  });
});
