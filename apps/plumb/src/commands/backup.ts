import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ident, sql, storeConfigFromEnv, type Store } from '@plumb/store';
import { openStore } from './migrate.ts';

/**
 * `plumb backup --out DIR` / `plumb restore --from DIR` for the EMBEDDED store.
 *
 * Consistency: chDB allows one process per data directory, so a backup runs with Plumb STOPPED
 * (the command takes the directory's lock; a running `plumb start` makes it fail with a clear
 * message, never copy a directory being written). Holding the lock, it stops background merges
 * (the only other writer inside the engine), copies the data directory file by file and writes a
 * manifest (schema version, rows per table). Restore copies the files into an empty data
 * directory, opens it and checks the schema version and every table's row count against the
 * manifest. The collector's WAL is not part of a backup: what it holds is replayed into
 * whichever store the collector starts on. A ClickHouse server is backed up with its own
 * BACKUP / RESTORE (README "Outgrowing one machine").
 */
export const MANIFEST = 'plumb-backup.json';

export interface Manifest {
  format: 1;
  createdAt: string;
  engine: string;
  migrations: string[];
  /** Rows per MergeTree table (`database.table`), as `count()` returned them at backup. */
  rows: Record<string, number>;
}

/** Per-table row counts of every MergeTree-family table outside the system databases. */
async function tableRows(store: Store): Promise<Record<string, number>> {
  const tables = await store.query<{ db: string; name: string }>(sql`
    SELECT database AS db, name FROM system.tables
    WHERE database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema') AND engine LIKE '%MergeTree'
    ORDER BY database, name`);
  const out: Record<string, number> = {};
  for (const t of tables) {
    const [r] = await store.query<{ n: string }>(sql`SELECT toString(count()) AS n FROM ${ident(t.db)}.${ident(t.name)}`);
    out[`${t.db}.${t.name}`] = Number(r?.n ?? 0);
  }
  return out;
}

async function migrationNames(store: Store): Promise<string[]> {
  const rows = await store.query<{ name: string }>(sql`SELECT DISTINCT name FROM schema_migrations ORDER BY name`);
  return rows.map((r) => r.name);
}

function embeddedPath(): string {
  const config = storeConfigFromEnv();
  if (config.target.kind !== 'embedded') {
    throw new Error('backup / restore are for the embedded store; a ClickHouse server is backed up with BACKUP DATABASE … TO … (see README)');
  }
  return resolve(config.target.path);
}

/** Data directory entries a copy leaves out: the lock file and the engine's scratch space. */
const SKIP = new Set(['status', 'tmp']);

export async function backup(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  if (!values.out) throw new Error('usage: plumb backup --out <new directory>');
  const out = resolve(values.out);
  if (existsSync(out) && readdirSync(out).length > 0) throw new Error(`${out} is not empty: back up into a new directory`);
  const path = embeddedPath();
  const store = await openStore().catch((err: Error) => {
    throw new Error(`${err.message}\nplumb backup needs Plumb stopped (the embedded store is copied while no process writes it).`);
  });
  try {
    await store.command(sql`SYSTEM STOP MERGES`);
    await store.command(sql`SYSTEM STOP TTL MERGES`);
    for (let i = 0; ; i++) {
      const [m] = await store.query<{ n: string }>(sql`SELECT toString(count()) AS n FROM system.merges`);
      if (m?.n === '0') break;
      if (i > 600) throw new Error('background merges did not stop within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const [v] = await store.query<{ v: string }>(sql`SELECT version() AS v`);
    const manifest: Manifest = { format: 1, createdAt: new Date().toISOString(), engine: v?.v ?? '', migrations: await migrationNames(store), rows: await tableRows(store) };
    mkdirSync(out, { recursive: true });
    for (const entry of readdirSync(path)) {
      if (SKIP.has(entry)) continue;
      // The engine's symlinks (metadata/<db>, data/<db>/<table> → ../store/…) are relative: kept as they are.
      cpSync(join(path, entry), join(out, entry), { recursive: true, verbatimSymlinks: true });
    }
    writeFileSync(join(out, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    const total = Object.values(manifest.rows).reduce((a, b) => a + b, 0);
    console.log(`plumb backup: ${out} (schema ${manifest.migrations.at(-1)}, ${Object.keys(manifest.rows).length} tables, ${total} rows)`);
  } finally {
    await store.command(sql`SYSTEM START MERGES`).catch(() => {});
    await store.command(sql`SYSTEM START TTL MERGES`).catch(() => {});
    await store.close();
  }
}

export async function restore(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, force: { type: 'boolean' } } });
  if (!values.from) throw new Error('usage: plumb restore --from <backup directory> [--force]');
  const from = resolve(values.from);
  if (!existsSync(join(from, MANIFEST))) throw new Error(`${from} is not a plumb backup (no ${MANIFEST})`);
  const manifest = JSON.parse(readFileSync(join(from, MANIFEST), 'utf8')) as Manifest;
  if (manifest.format !== 1) throw new Error(`unknown backup format ${String(manifest.format)}`);
  const path = embeddedPath();
  if (existsSync(path) && readdirSync(path).length > 0) {
    if (!values.force) throw new Error(`${path} is not empty: restore into an empty CLICKHOUSE_URL directory, or pass --force to move it aside first`);
    const aside = `${path}.before-restore-${Date.now()}`;
    renameSync(path, aside); // fails with EBUSY-like errors only if another process holds it; its lock stays there
    console.log(`plumb restore: moved the existing store to ${aside}`);
  }
  mkdirSync(path, { recursive: true });
  for (const entry of readdirSync(from)) if (entry !== MANIFEST) cpSync(join(from, entry), join(path, entry), { recursive: true, verbatimSymlinks: true });
  const store = await openStore();
  try {
    const migrations = await migrationNames(store);
    if (migrations.join() !== manifest.migrations.join()) throw new Error(`restored schema ${migrations.at(-1)} differs from the backup's ${manifest.migrations.at(-1)}`);
    const rows = await tableRows(store);
    const wrong = Object.entries(manifest.rows).filter(([t, n]) => rows[t] !== n);
    if (wrong.length) throw new Error(`restored row counts differ from the backup: ${wrong.map(([t, n]) => `${t} ${rows[t]} ≠ ${n}`).join(', ')}`);
    console.log(`plumb restore: ${basename(from)} → ${path} (schema ${migrations.at(-1)}, ${Object.keys(rows).length} tables, row counts match the backup)`);
  } finally {
    await store.close();
  }
}
