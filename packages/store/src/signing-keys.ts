import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { publicKeyFingerprint } from './bundle-format.ts';
import { sql } from './sql.ts';
import type { Store } from './store.ts';

/**
 * One Ed25519 signing key per project for verifiable trace bundles (migration 0018), created on
 * first use. Rotation retires the live key (kept, so older bundles still verify against the
 * published list) and creates a new one. The private half is stored in the engine like other
 * credentials of the deployment: whoever can read the database can sign (SECURITY.md).
 */
export interface SigningKeyInfo {
  id: string;
  publicKey: string;
  fingerprint: string;
  createdAt: string;
  retired: boolean;
}

async function createKey(store: Store, projectId: string): Promise<{ id: string; publicKey: string; privateKey: string }> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const id = `sk_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await store.command(
    sql`INSERT INTO project_signing_keys (project_id, id, public_key, private_key, _version) VALUES (${projectId}, ${id}, ${publicKey}, ${privateKey}, ${Date.now()})`,
    { kind: 'auth', caller: 'signing-keys.create' },
  );
  return { id, publicKey, privateKey };
}

/** The project's live key, created when it has none. */
export async function liveSigningKey(store: Store, projectId: string): Promise<{ id: string; publicKey: string; privateKey: string }> {
  const [row] = await store.query<{ id: string; publicKey: string; privateKey: string }>(
    sql`SELECT id, public_key AS publicKey, private_key AS privateKey FROM project_signing_keys FINAL
        WHERE project_id = ${projectId} AND NOT retired ORDER BY created_at DESC LIMIT 1`,
    { kind: 'auth', caller: 'signing-keys.live' },
  );
  return row ?? createKey(store, projectId);
}

/** Retires the live key and makes a new one; returns the new key's public info. */
export async function rotateSigningKey(store: Store, projectId: string): Promise<SigningKeyInfo> {
  await store.command(
    sql`INSERT INTO project_signing_keys (project_id, id, public_key, private_key, created_at, retired, _version)
        SELECT project_id, id, public_key, private_key, created_at, true, ${Date.now()} FROM project_signing_keys FINAL
        WHERE project_id = ${projectId} AND NOT retired`,
    { kind: 'auth', caller: 'signing-keys.rotate' },
  );
  await createKey(store, projectId);
  return (await listSigningKeys(store, projectId))[0]!;
}

/** Public halves of the project's keys, live first (never a private key). */
export async function listSigningKeys(store: Store, projectId: string): Promise<SigningKeyInfo[]> {
  const rows = await store.query<{ id: string; publicKey: string; createdAt: string; retired: boolean | number }>(
    sql`SELECT id, public_key AS publicKey, formatDateTime(created_at, '%Y-%m-%dT%H:%i:%SZ', 'UTC') AS createdAt, retired
        FROM project_signing_keys FINAL WHERE project_id = ${projectId} ORDER BY retired, created_at DESC`,
    { kind: 'auth', caller: 'signing-keys.list' },
  );
  return rows.map((r) => ({ id: r.id, publicKey: r.publicKey, fingerprint: publicKeyFingerprint(r.publicKey), createdAt: r.createdAt, retired: Boolean(r.retired) }));
}
