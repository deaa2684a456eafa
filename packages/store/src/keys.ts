import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from './sql.ts';
import type { Store } from './store.ts';

export type Scope = 'ingest' | 'read';
export const SCOPES: readonly Scope[] = ['ingest', 'read'];
export const DEFAULT_PROJECT_ID = 'default';

export interface ApiKeyInfo {
  id: string;
  projectId: string;
  name: string;
  keyPrefix: string;
  scopes: Scope[];
  createdAt: string;
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
  const rows = await store.query(sql`SELECT 1 FROM projects FINAL WHERE id = ${id}`);
  if (rows.length > 0) return;
  await store.command(sql`INSERT INTO projects (id, name, _version) VALUES (${id}, ${name}, ${Date.now()})`);
}

export async function listProjects(store: Store): Promise<{ id: string; name: string }[]> {
  return store.query(sql`SELECT id, name FROM projects FINAL ORDER BY created_at`);
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
  await store.command(
    sql`INSERT INTO api_keys (id, project_id, name, key_hash, key_prefix, scopes, _version)
        VALUES (${id}, ${opts.projectId}, ${opts.name}, ${hashKey(key)}, ${keyPrefix}, ${opts.scopes}, ${Date.now()})`,
  );
  return { key, info: { id, projectId: opts.projectId, name: opts.name, keyPrefix, scopes: [...opts.scopes], createdAt: new Date().toISOString() } };
}

export async function listApiKeys(store: Store, projectId?: string): Promise<ApiKeyInfo[]> {
  const where = projectId === undefined ? sql`1` : sql`project_id = ${projectId}`;
  return store.query<ApiKeyInfo>(
    sql`SELECT id, project_id AS projectId, name, key_prefix AS keyPrefix, scopes, toString(created_at) AS createdAt
        FROM api_keys FINAL WHERE NOT revoked AND ${where} ORDER BY created_at`,
  );
}

export async function revokeApiKey(store: Store, id: string): Promise<boolean> {
  const rows = await store.query<{ n: number }>(sql`SELECT count() AS n FROM api_keys FINAL WHERE id = ${id} AND NOT revoked`);
  if (!rows[0]?.n) return false;
  await store.command(
    sql`INSERT INTO api_keys (id, project_id, name, key_hash, key_prefix, scopes, created_at, revoked, _version)
        SELECT id, project_id, name, key_hash, key_prefix, scopes, created_at, true, ${Date.now()} FROM api_keys FINAL WHERE id = ${id}`,
  );
  return true;
}

export async function countApiKeys(store: Store): Promise<number> {
  const rows = await store.query<{ n: number }>(sql`SELECT count() AS n FROM api_keys FINAL WHERE NOT revoked`);
  return rows[0]?.n ?? 0;
}

/**
 * Verifies bearer keys against the store with a short cache, so ingest at tens of thousands of
 * requests per second does not query per request. Revocation takes effect within `ttlMs`.
 */
export class KeyVerifier {
  private cache = new Map<string, { value: VerifiedKey | null; until: number }>();
  constructor(
    private readonly store: Store,
    private readonly ttlMs = 30_000,
  ) {}

  async verify(key: string): Promise<VerifiedKey | null> {
    const hash = hashKey(key);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.value;
    const rows = await this.store.query<{ id: string; projectId: string; scopes: Scope[] }>(
      sql`SELECT id, project_id AS projectId, scopes FROM api_keys FINAL WHERE key_hash = ${hash} AND NOT revoked LIMIT 1`,
    );
    const row = rows[0];
    const value = row ? { keyId: row.id, projectId: row.projectId, scopes: row.scopes } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { value, until: now + this.ttlMs });
    return value;
  }

  invalidate(): void {
    this.cache.clear();
  }
}

/**
 * First start: the default project exists, and PLUMB_INGEST_KEY (if given) is its ingest key.
 * Returns whether any key exists at all (no key → collector accepts loopback ingest only).
 */
export async function bootstrapProjects(store: Store, ingestKey?: string): Promise<{ anyKey: boolean; createdIngestKey: boolean }> {
  await ensureProject(store, DEFAULT_PROJECT_ID, 'Default project');
  let createdIngestKey = false;
  if (ingestKey) {
    const rows = await store.query(sql`SELECT 1 FROM api_keys FINAL WHERE key_hash = ${hashKey(ingestKey)} AND NOT revoked`);
    if (rows.length === 0) {
      await createApiKey(store, { projectId: DEFAULT_PROJECT_ID, name: 'PLUMB_INGEST_KEY', scopes: ['ingest'], plaintext: ingestKey });
      createdIngestKey = true;
    }
  }
  return { anyKey: (await countApiKeys(store)) > 0, createdIngestKey };
}
