import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sharedCache } from './cache.ts';
import { grantInstanceAdmins } from './memberships.ts';
import { sql } from './sql.ts';
import type { QueryOptions, Store } from './store.ts';

/**
 * API keys. A key belongs to one project and carries scopes: `ingest` (send spans), `read`
 * (the REST read API), `write` (changes through the REST API, e.g. managing keys).
 */
export type Scope = 'ingest' | 'read' | 'write';
export const SCOPES: readonly Scope[] = ['ingest', 'read', 'write'];
export const DEFAULT_PROJECT_ID = 'default';

const AUTH = (caller: string): QueryOptions => ({ kind: 'auth', caller });

// Verified keys by hash (30 s; revocation through this process invalidates at once) and
// unknown hashes (5 s, in their own bounded map: see TtlCache).
const keyCache = () => sharedCache<VerifiedKey>('api-keys', 30_000, 5_000);
// Whether any live ingest key exists (the collector's open-loopback decision).
const ingestCountCache = () => sharedCache<number>('ingest-key-count', 10_000, 0);

// Bumped by every key change in this process: verifiers drop their index of live keys, so a
// revocation here takes effect at once (process-wide, like the caches: Next bundles copies).
const GENERATION = Symbol.for('plumb.store.keyGeneration');
type G = typeof globalThis & { [GENERATION]?: number };
const keyGeneration = () => (globalThis as G)[GENERATION] ?? 0;

function keysChanged(): void {
  keyCache().clearMisses();
  ingestCountCache().clear();
  (globalThis as G)[GENERATION] = keyGeneration() + 1;
}

export interface ApiKeyInfo {
  id: string;
  projectId: string;
  name: string;
  keyPrefix: string;
  scopes: Scope[];
  createdAt: string;
  revoked: boolean;
}

export interface VerifiedKey {
  keyId: string;
  projectId: string;
  scopes: Scope[];
}

/** Keys are 32 random bytes: a fast hash is enough (no dictionary to attack). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(): string {
  return `plb_${randomBytes(24).toString('base64url')}`;
}

export async function ensureProject(store: Store, id: string, name: string): Promise<void> {
  const rows = await store.query(sql`SELECT 1 FROM projects FINAL WHERE id = ${id}`, AUTH('keys.ensureProject'));
  if (rows.length > 0) return;
  await store.command(sql`INSERT INTO projects (id, name, _version) VALUES (${id}, ${name}, ${Date.now()})`, AUTH('keys.ensureProject'));
  // A new project is never without an admin: the instance administrators administer it.
  await grantInstanceAdmins(store, id);
}

export async function listProjects(store: Store): Promise<{ id: string; name: string }[]> {
  return store.query(sql`SELECT id, name FROM projects FINAL ORDER BY created_at`, AUTH('keys.listProjects'));
}

/** Stores a key (hashed); `plaintext` lets an operator fix the key (PLUMB_INGEST_KEY). */
export async function createApiKey(
  store: Store,
  opts: { projectId: string; name: string; scopes: Scope[]; plaintext?: string },
): Promise<{ key: string; info: ApiKeyInfo }> {
  for (const s of opts.scopes) if (!SCOPES.includes(s)) throw new Error(`unknown scope ${JSON.stringify(s)} (use ${SCOPES.join(', ')})`);
  if (opts.scopes.length === 0) throw new Error('a key needs at least one scope');
  const key = opts.plaintext ?? generateKey();
  if (key.length < 16) throw new Error('an API key must be at least 16 characters');
  const id = randomUUID();
  const keyPrefix = key.slice(0, 8);
  const createdAt = new Date();
  await store.command(
    sql`INSERT INTO api_keys (id, project_id, name, key_hash, key_prefix, scopes, created_at, _version)
        VALUES (${id}, ${opts.projectId}, ${opts.name}, ${hashKey(key)}, ${keyPrefix}, ${opts.scopes}, ${createdAt}, ${Date.now()})`,
    AUTH('keys.createApiKey'),
  );
  keysChanged();
  // Known at once in this process (the collector in the all-in-one process included): the first
  // request with a key made in the UI never waits for the engine.
  keyCache().set(hashKey(key), { keyId: id, projectId: opts.projectId, scopes: [...opts.scopes] });
  return { key, info: { id, projectId: opts.projectId, name: opts.name, keyPrefix, scopes: [...opts.scopes], createdAt: createdAt.toISOString(), revoked: false } };
}

/** Keys of one project (or all), newest first; revoked keys only when asked for. */
export async function listApiKeys(store: Store, projectId?: string, opts: { includeRevoked?: boolean } = {}): Promise<ApiKeyInfo[]> {
  const where = projectId === undefined ? sql`1` : sql`project_id = ${projectId}`;
  const live = opts.includeRevoked ? sql`1` : sql`NOT revoked`;
  const rows = await store.query<Omit<ApiKeyInfo, 'revoked'> & { revoked: boolean | number }>(
    sql`SELECT id, project_id AS projectId, name, key_prefix AS keyPrefix, scopes,
               formatDateTime(created_at, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS createdAt, revoked
        FROM api_keys FINAL WHERE ${live} AND ${where} ORDER BY created_at DESC, id`,
    AUTH('keys.listApiKeys'),
  );
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.replace(/(\.\d{3})\d*Z$/, '$1Z'), revoked: Boolean(r.revoked) }));
}

/**
 * Revokes a key (of `projectId` only, when given: a project's admin or write key cannot revoke
 * another project's keys). Returns whether a live key was revoked. Takes effect at once in this
 * process (the verified-key cache drops it) and within the cache TTL (30 s) elsewhere.
 */
export async function revokeApiKey(store: Store, id: string, projectId?: string): Promise<boolean> {
  const inProject = projectId === undefined ? sql`1` : sql`project_id = ${projectId}`;
  const rows = await store.query<{ n: number }>(sql`SELECT count() AS n FROM api_keys FINAL WHERE id = ${id} AND NOT revoked AND ${inProject}`, AUTH('keys.revokeApiKey'));
  if (!rows[0]?.n) return false;
  await store.command(
    sql`INSERT INTO api_keys (id, project_id, name, key_hash, key_prefix, scopes, created_at, revoked, _version)
        SELECT id, project_id, name, key_hash, key_prefix, scopes, created_at, true, ${Date.now()} FROM api_keys FINAL WHERE id = ${id}`,
    AUTH('keys.revokeApiKey'),
  );
  keyCache().deleteWhere((k) => k.keyId === id);
  keysChanged();
  return true;
}

/** Live keys, of every project; with `scope`, only keys carrying it. */
export async function countApiKeys(store: Store, scope?: Scope): Promise<number> {
  const withScope = scope === undefined ? sql`1` : sql`has(scopes, ${scope})`;
  const rows = await store.query<{ n: number }>(sql`SELECT count() AS n FROM api_keys FINAL WHERE NOT revoked AND ${withScope}`, AUTH('keys.countApiKeys'));
  return rows[0]?.n ?? 0;
}

/**
 * Live ingest keys, cached 10 s (invalidated when a key is created or revoked here). Open
 * loopback ingest depends on this count only: read and write keys do not close it.
 */
export async function countIngestKeys(store: Store): Promise<number> {
  const cache = ingestCountCache();
  const hit = cache.get('n');
  if (hit !== undefined && hit !== null) return hit;
  const n = await countApiKeys(store, 'ingest');
  cache.set('n', n);
  return n;
}

/**
 * Verifies bearer keys without one engine query per key, so a flood of random keys can neither
 * evict real keys nor queue thousands of auth statements (which run before inserts in the
 * engine queue and would starve the writer). Known keys come from the process-wide key cache
 * (30 s); anything else is looked up in an in-memory index of every live key hash, read in one
 * statement at most once per second (an unknown key arriving within a second of the last read
 * is refused from memory) and at least every 30 s. A key created in another process verifies
 * within about a second of its first use; revocation here takes effect at once, elsewhere
 * within 30 s. Keys whose project no longer exists do not verify.
 */
export class KeyVerifier {
  private index: Map<string, VerifiedKey> | null = null;
  private loadedAt = 0;
  private loading: Promise<void> | null = null;
  private generation = -1;
  /** Index reads so far (the flood test bounds them). */
  reloads = 0;

  constructor(
    private readonly store: Store,
    private readonly minReloadMs = 1_000,
    private readonly maxAgeMs = 30_000,
  ) {}

  async verify(key: string): Promise<VerifiedKey | null> {
    if (key.length > 512) return null;
    const hash = hashKey(key);
    const cache = keyCache();
    const hit = cache.get(hash);
    if (hit) return hit;
    const age = Date.now() - this.loadedAt;
    let found = this.index?.get(hash);
    if (this.generation !== keyGeneration()) this.index = null;
    if (!this.index || age >= this.maxAgeMs || (!found && age >= this.minReloadMs)) {
      await this.reload();
      found = this.index?.get(hash);
    }
    if (found) cache.set(hash, found);
    return found ?? null;
  }

  /** One statement for all live keys; concurrent callers share it. */
  private reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const generation = keyGeneration();
        const rows = await this.store.query<{ hash: string; id: string; projectId: string; scopes: Scope[] }>(
          sql`SELECT key_hash AS hash, id, project_id AS projectId, scopes FROM api_keys FINAL
              WHERE NOT revoked AND project_id IN (SELECT id FROM projects FINAL)`,
          AUTH('keys.verify'),
        );
        this.index = new Map(rows.map((r) => [r.hash, { keyId: r.id, projectId: r.projectId, scopes: r.scopes }]));
        this.loadedAt = Date.now();
        this.generation = generation;
        this.reloads++;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  /** Forgets every verified key (tests; bulk changes made outside this module). */
  invalidate(): void {
    keyCache().clear();
    this.index = null;
  }

  /** Sizes of the shared key cache (hits: real keys, misses: unused since the index). */
  stats(): { hits: number; misses: number; indexed: number } {
    return { ...keyCache().size, indexed: this.index?.size ?? 0 };
  }
}

/**
 * First start: the default project exists, and PLUMB_INGEST_KEY (if given) is its ingest key.
 * Returns whether any live ingest key exists (none → the collector accepts unauthenticated
 * ingest from loopback; read and write keys do not change that).
 */
export async function bootstrapProjects(store: Store, ingestKey?: string): Promise<{ anyIngestKey: boolean; createdIngestKey: boolean }> {
  await ensureProject(store, DEFAULT_PROJECT_ID, 'Default project');
  let createdIngestKey = false;
  if (ingestKey) {
    const rows = await store.query(sql`SELECT 1 FROM api_keys FINAL WHERE key_hash = ${hashKey(ingestKey)} AND NOT revoked`, AUTH('keys.bootstrap'));
    if (rows.length === 0) {
      await createApiKey(store, { projectId: DEFAULT_PROJECT_ID, name: 'PLUMB_INGEST_KEY', scopes: ['ingest'], plaintext: ingestKey });
      createdIngestKey = true;
    }
  }
  return { anyIngestKey: (await countApiKeys(store, 'ingest')) > 0, createdIngestKey };
}
