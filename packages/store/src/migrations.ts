import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join as joinPath, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

const CREATE = /^(CREATE\s+(?:TABLE|MATERIALIZED\s+VIEW|VIEW|DICTIONARY)\s+(?:IF\s+NOT\s+EXISTS\s+)?)([A-Za-z_][A-Za-z0-9_.]*)/i;
const ALTER = /^(ALTER\s+TABLE\s+)([A-Za-z_][A-Za-z0-9_.]*)/i;
const ENGINE = /ENGINE\s*=\s*(Replacing|Aggregating|Summing|Collapsing)?MergeTree(\s*\(([^)]*)\))?/i;

/**
 * Renders a single-node statement for a cluster: `ON CLUSTER` on DDL and Replicated engines
 * keyed by the table name. One source of truth for both modes (no second copy of the schema).
 */
export function renderForCluster(statement: string, cluster: string): string {
  if (!cluster) return statement;
  const on = ` ON CLUSTER '${cluster}'`;
  let out = statement;
  let table = '';
  const create = CREATE.exec(out);
  if (create) {
    table = create[2]!;
    out = out.replace(CREATE, `$1$2${on}`);
  } else {
    const alter = ALTER.exec(out);
    if (alter) out = out.replace(ALTER, `$1$2${on}`);
  }
  out = out.replace(ENGINE, (_m, variant: string | undefined, _p, args: string | undefined) => {
    const path = `'/clickhouse/tables/{shard}/{database}/${table}', '{replica}'`;
    const rest = args && args.trim() ? `, ${args.trim()}` : '';
    return `ENGINE = Replicated${variant ?? ''}MergeTree(${path}${rest})`;
  });
  return out;
}
