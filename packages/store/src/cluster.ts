/**
 * Cluster mode, rendered from the single-node migrations (one source of truth: no second copy
 * of the schema, Langfuse's double migrations being the pain point to avoid).
 *
 * Every table gets a PLACEMENT:
 *
 * - `sharded`: the data lives in `<name>_local` (Replicated*MergeTree, one Keeper path per
 *   shard), and `<name>` becomes a Distributed table over it with a sharding key. Every query of
 *   the application keeps reading and inserting `<name>`; nothing above the store changes.
 *   Spans and everything derived per trace are sharded by `cityHash64(trace_id)`, so a trace
 *   (and each version of each of its rows) lives on ONE shard: FINAL and the per-trace
 *   aggregating tables are exact shard by shard, and joins / IN on trace_id are shard-local
 *   (the cluster profile sets `distributed_product_mode = 'local'`). Materialized views are
 *   created on the local tables, so an insert on a shard feeds that shard's trace_index,
 *   trace_context, trace_heads, trace_hours and scores — the same shard the Distributed key
 *   would have chosen. Rule for a ReplacingMergeTree / AggregatingMergeTree: the sharding key
 *   is a function of its sorting key (all versions of a row land on one shard).
 *   (scores / labels: keyed by id, sharded by trace — an id names one subject, its trace.)
 * - `everywhere`: small mutable state (projects, keys, users, sessions, memberships, prices,
 *   budgets, leases, rollup pointers, monitors, …) is ONE replicated table with a replica on
 *   every node (Keeper path without `{shard}`). Any node reads all of it locally, FINAL is exact,
 *   and an auth lookup never fans out. This is also the default for a table this file does not
 *   name: always correct, at the cost of a full copy per node. A big table added by a later
 *   migration should get a `sharded` entry here.
 *
 * DDL goes `ON CLUSTER`. ALTERs of a sharded table: column changes apply to both the local and
 * the Distributed table; everything else (TTL, MATERIALIZE, mutations) to the local one only.
 */

export type Placement = { kind: 'sharded'; key: string } | { kind: 'everywhere' };

const BY_TRACE = 'cityHash64(trace_id)';

/** Tables whose rows are spread over shards, with their sharding keys. Others: `everywhere`. */
export const SHARDED: Readonly<Record<string, string>> = {
  spans: BY_TRACE,
  trace_index: BY_TRACE,
  trace_context: BY_TRACE,
  trace_heads: BY_TRACE,
  trace_hours: BY_TRACE,
  scores: BY_TRACE,
  labels: BY_TRACE,
  metric_points: 'cityHash64(series_id)',
  metric_series: 'cityHash64(series_id)',
  rollup_hourly: 'cityHash64(project_id, hour)',
  rollup_hourly_core: 'cityHash64(project_id, hour)',
  drift_bin_counts: 'cityHash64(project_id, monitor_id, hour)',
  request_stages: BY_TRACE,
  rollup_latency_hourly: 'cityHash64(project_id, hour)',
};

export const LOCAL_SUFFIX = '_local';

export function placementOf(table: string): Placement {
  const key = SHARDED[table];
  return key ? { kind: 'sharded', key } : { kind: 'everywhere' };
}

/**
 * The table that holds the rows of `table` on each node: `<table>_local` for a sharded table in
 * cluster mode, else the table itself. Mutations (DELETE, OPTIMIZE, MODIFY TTL) must name it.
 */
export function localTable(table: string, cluster: string): string {
  return cluster && placementOf(table).kind === 'sharded' ? `${table}${LOCAL_SUFFIX}` : table;
}

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const CREATE_TABLE = new RegExp(`^CREATE\\s+TABLE\\s+(IF\\s+NOT\\s+EXISTS\\s+)?(${IDENT})\\b`, 'i');
const CREATE_MV = new RegExp(`^CREATE\\s+MATERIALIZED\\s+VIEW\\s+(IF\\s+NOT\\s+EXISTS\\s+)?(${IDENT})\\s+TO\\s+(${IDENT})\\s+AS\\b`, 'i');
const CREATE_OTHER = new RegExp(`^(CREATE\\s+(?:VIEW|DICTIONARY|MATERIALIZED\\s+VIEW)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?)(${IDENT})`, 'i');
const ALTER = new RegExp(`^ALTER\\s+TABLE\\s+(${IDENT})\\s+`, 'i');
const DROP = new RegExp(`^DROP\\s+(TABLE|VIEW)\\s+(IF\\s+EXISTS\\s+)?(${IDENT})\\b`, 'i');
const DELETE = new RegExp(`^DELETE\\s+FROM\\s+(${IDENT})\\s+`, 'i');
const OPTIMIZE = new RegExp(`^OPTIMIZE\\s+TABLE\\s+(${IDENT})\\b`, 'i');
const ENGINE = /ENGINE\s*=\s*(Replacing|Aggregating|Summing|Collapsing|VersionedCollapsing)?MergeTree(\s*\(([^)]*)\))?/i;
/** ALTER commands a Distributed table takes too (its column list must follow the local one). */
const COLUMN_COMMAND = /^(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b/i;

function replicatedEngine(statement: string, path: string, replica: string): string {
  return statement.replace(ENGINE, (_m, variant: string | undefined, _p, args: string | undefined) => {
    const rest = args && args.trim() ? `, ${args.trim()}` : '';
    return `ENGINE = Replicated${variant ?? ''}MergeTree('${path}', '${replica}'${rest})`;
  });
}

/** `FROM t` / `JOIN t` of sharded tables → their local tables (a view's body runs per shard). */
function localizeSources(body: string): string {
  return body.replace(new RegExp(`\\b(FROM|JOIN)(\\s+)(${IDENT})\\b`, 'gi'), (m, kw: string, ws: string, t: string) =>
    placementOf(t).kind === 'sharded' ? `${kw}${ws}${t}${LOCAL_SUFFIX}` : m,
  );
}

/** Splits top-level `,`-separated ALTER commands (commas inside brackets or quotes stay). */
function splitCommands(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '`' || ch === '"') quote = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/**
 * Renders one single-node statement for `cluster` as the statements to run in order (one or
 * two). Without a cluster the statement comes back unchanged. Statements that are not DDL
 * (INSERT … SELECT backfills) run as they are, through the Distributed tables.
 */
export function renderClusterStatements(statement: string, cluster: string): string[] {
  if (!cluster) return [statement];
  if (!/^[A-Za-z0-9_{}-]+$/.test(cluster)) throw new Error(`invalid cluster name ${JSON.stringify(cluster)}`);
  const on = `ON CLUSTER '${cluster}'`;

  const table = CREATE_TABLE.exec(statement);
  if (table) {
    const ifNot = table[1] ?? '';
    const name = table[2]!;
    const rest = statement.slice(table[0].length);
    const placement = placementOf(name);
    if (placement.kind === 'everywhere') {
      return [replicatedEngine(`CREATE TABLE ${ifNot}${name} ${on}${rest}`, `/clickhouse/tables/all/{database}/${name}`, '{shard}-{replica}')];
    }
    const local = `${name}${LOCAL_SUFFIX}`;
    return [
      replicatedEngine(`CREATE TABLE ${ifNot}${local} ${on}${rest}`, `/clickhouse/tables/{shard}/{database}/${local}`, '{replica}'),
      `CREATE TABLE ${ifNot}${name} ${on} AS ${local} ENGINE = Distributed('${cluster}', currentDatabase(), '${local}', ${placement.key})`,
    ];
  }

  const mv = CREATE_MV.exec(statement);
  if (mv) {
    const [, ifNot = '', name, target] = mv;
    const body = statement.slice(mv[0].length);
    return [`CREATE MATERIALIZED VIEW ${ifNot}${name} ${on} TO ${localTable(target!, cluster)} AS${localizeSources(body)}`];
  }
  const other = CREATE_OTHER.exec(statement);
  if (other) return [statement.replace(CREATE_OTHER, `$1$2 ${on}`)];

  const alter = ALTER.exec(statement);
  if (alter) {
    const name = alter[1]!;
    const commands = statement.slice(alter[0].length);
    if (placementOf(name).kind === 'everywhere') return [`ALTER TABLE ${name} ${on} ${commands}`];
    const local = `ALTER TABLE ${name}${LOCAL_SUFFIX} ${on} ${commands}`;
    const kinds = splitCommands(commands.replace(/\s+SETTINGS\s+[\s\S]*$/i, '')).map((c) => COLUMN_COMMAND.test(c));
    if (kinds.every((k) => !k)) return [local];
    if (!kinds.every(Boolean)) throw new Error(`cluster mode: split column changes from other ALTER commands: ${statement.slice(0, 120)}`);
    // The Distributed table has no data: a mutation setting means nothing there.
    return [local, `ALTER TABLE ${name} ${on} ${commands.replace(/\s+SETTINGS\s+mutations_sync\s*=\s*\d+\s*$/i, '')}`];
  }

  const drop = DROP.exec(statement);
  if (drop) {
    const [, kind, ifExists = '', name] = drop;
    const rest = statement.slice(drop[0].length);
    const out = [`DROP ${kind} ${ifExists}${name} ${on}${rest}`];
    if (kind!.toUpperCase() === 'TABLE' && placementOf(name!).kind === 'sharded') out.push(`DROP TABLE ${ifExists}${name}${LOCAL_SUFFIX} ${on}${rest}`);
    return out;
  }

  const del = DELETE.exec(statement);
  if (del && placementOf(del[1]!).kind === 'sharded') return [`DELETE FROM ${del[1]}${LOCAL_SUFFIX} ${on} ${statement.slice(del[0].length)}`];
  const opt = OPTIMIZE.exec(statement);
  if (opt && placementOf(opt[1]!).kind === 'sharded') return [`OPTIMIZE TABLE ${opt[1]}${LOCAL_SUFFIX} ${on}${statement.slice(opt[0].length)}`];
  return [statement];
}

/** `renderClusterStatements` for statements known to render as one (TTL changes, mutations). */
export function renderForCluster(statement: string, cluster: string): string {
  const out = renderClusterStatements(statement, cluster);
  if (out.length !== 1) throw new Error(`cluster mode renders this statement as ${out.length}; use renderClusterStatements: ${statement.slice(0, 80)}`);
  return out[0]!;
}

/**
 * Mutations issued at run time (`DELETE FROM t …`, `OPTIMIZE TABLE t …`) by code written for one
 * node: in cluster mode a sharded table's rows live in `t_local` on every shard, which a
 * Distributed table cannot mutate, so Store.command routes them there `ON CLUSTER`. Statements
 * that already name a cluster, and everything else, pass unchanged.
 */
export function routeMutation(statement: string, cluster: string): string {
  if (!cluster || /\bON\s+CLUSTER\b/i.test(statement)) return statement;
  const m = /^\s*(DELETE\s+FROM|OPTIMIZE\s+TABLE)\s+([A-Za-z_][A-Za-z0-9_]*)\b/i.exec(statement);
  if (!m || placementOf(m[2]!).kind !== 'sharded') return statement;
  return renderForCluster(statement.trim(), cluster);
}
