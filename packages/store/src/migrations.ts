import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join as joinPath, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderClusterStatements } from './cluster.ts';

export interface Migration {
  name: string;
  checksum: string;
  statements: string[];
}

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../clickhouse/migrations');

/** Splits a migration file into statements: `;` at the end of a line ends one; `--` comments dropped. */
export function splitStatements(text: string): string[] {
  const body = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return body
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(joinPath(dir, file), 'utf8');
      return {
        name: file.replace(/\.sql$/, ''),
        checksum: createHash('sha256').update(text).digest('hex').slice(0, 16),
        statements: splitStatements(text),
      };
    });
}

export { localTable, placementOf, renderClusterStatements, renderForCluster, routeMutation, SHARDED } from './cluster.ts';

/**
 * The whole schema as the statements `migrate` runs, in order, for single-node (`cluster` '')
 * or cluster mode: what `plumb migrate --print` shows and the snapshot tests pin.
 */
export function renderSchema(cluster: string, migrations: Migration[] = loadMigrations()): string {
  const out: string[] = [];
  for (const m of migrations) {
    out.push(`-- ${m.name}`);
    for (const statement of m.statements) for (const s of renderClusterStatements(statement, cluster)) out.push(`${s};\n`);
  }
  return `${out.join('\n')}\n`;
}
