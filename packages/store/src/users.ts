import { createHash, randomBytes, randomUUID, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { sharedCache } from './cache.ts';
import { grantAllProjects } from './memberships.ts';
import { sql } from './sql.ts';
import type { QueryOptions, Store } from './store.ts';

const AUTH = (caller: string): QueryOptions => ({ kind: 'auth', caller });

// Live sessions by token hash: every tRPC call resolves its cookie, and must not wait for the
// engine while it runs a dashboard query. Logout through this process drops the entry at once;
// other processes see it within the TTL. Unknown tokens are cached briefly, apart (TtlCache).
const SESSION_CACHE_TTL_MS = 30_000;
const sessionCache = () => sharedCache<Session>('sessions', SESSION_CACHE_TTL_MS, 5_000);
// Login reads the user (and hash) by email; cached so a sign-in during a slow query waits only
// for its session insert. Changes to a user through this module invalidate it.
const userByEmailCache = () => sharedCache<User & { passwordHash: string }>('users-by-email', 60_000, 0);

/**
 * Dashboard users and login sessions. `role` is the instance role: 'admin' marks the instance
 * administrator (the first user), who administers every project; what a user may do inside a
 * project is their membership role (memberships.ts). Passwords are hashed with scrypt (per-user random salt,
 * parameters stored in the hash text so they can be raised later); session tokens are random
 * and stored only as SHA-256 hashes, so a database dump cannot be replayed as a cookie.
 */
export type Role = 'admin' | 'member';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

export interface Session {
  user: User;
  expiresAt: Date;
}

export const SESSION_TTL_MS = 7 * 24 * 3_600_000;
export const MIN_PASSWORD_LENGTH = 8;
export const DEFAULT_ADMIN_EMAIL = 'admin@localhost';

/**
 * OWASP Password Storage Cheat Sheet (2025): scrypt with N = 2^17 (128 MiB), r = 8, p = 1.
 * Hashes made with older parameters (N = 2^14 before issue 14) are replaced at the next
 * successful login (`verifyPassword`).
 */
export const SCRYPT = { N: 131_072, r: 8, p: 1, keylen: 64 };

/** Too many password hashes waiting: the caller answers 503 + Retry-After. */
export class PasswordHashBusyError extends Error {
  override readonly name = 'PasswordHashBusyError';
}

// Each hash holds 128 MiB and a libuv thread for ~0.3-1.5 s: at most two run at once (the
// machine's cores), at most 32 wait; more is refused rather than queued without bound (a login
// flood must not take the memory or the thread pool the engine also uses).
const MAX_HASHING = 2;
const MAX_WAITING = 32;
let hashing = 0;
const waiting: (() => void)[] = [];

async function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  if (hashing >= MAX_HASHING) {
    if (waiting.length >= MAX_WAITING) throw new PasswordHashBusyError('too many sign-ins at once; retry in a few seconds');
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    hashing++;
  }
  try {
    return await new Promise((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
  } finally {
    const next = waiting.shift();
    if (next) next();
    else hashing--;
  }
}

/** Whether a stored hash was made with weaker parameters than the current ones. */
export function needsRehash(stored: string): boolean {
  const [kind, N, r, p] = stored.split('$');
  return kind !== 'scrypt' || Number(N) < SCRYPT.N || Number(r) < SCRYPT.r || Number(p) < SCRYPT.p;
}

/** `scrypt$N$r$p$<salt b64url>$<hash b64url>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 128 * SCRYPT.N * SCRYPT.r * SCRYPT.p + 32 * 1024 * 1024 });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time check of a password against a stored hash; false for malformed hashes. */
export async function checkPasswordHash(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (!N || !r || !p || expected.length === 0) return false;
  const key = await scrypt(password, salt, expected.length, { N, r, p, maxmem: 128 * N * r * p + 32 * 1024 * 1024 });
  return timingSafeEqual(key, expected);
}

const normalizeEmail = (email: string) => email.trim().toLowerCase();

function validateCredentials(email: string, password: string): void {
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(`invalid email ${JSON.stringify(email)}`);
  if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
}

const USER_COLUMNS = sql`id, email, name, role, toString(created_at) AS createdAt`;

export async function countUsers(store: Store): Promise<number> {
  const [row] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM users FINAL WHERE NOT disabled`, AUTH('users.countUsers'));
  return row?.n ?? 0;
}

/** Enabled instance administrators: 0 means first-run setup is still to be done. */
export async function countAdmins(store: Store): Promise<number> {
  const [row] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM users FINAL WHERE role = 'admin' AND NOT disabled`, AUTH('users.countAdmins'));
  return Number(row?.n ?? 0);
}

export async function findUserByEmail(store: Store, email: string, opts: { cached?: boolean } = {}): Promise<(User & { passwordHash: string }) | null> {
  const normalized = normalizeEmail(email);
  if (opts.cached) {
    const hit = userByEmailCache().get(normalized);
    if (hit) return hit;
  }
  const [row] = await store.query<User & { passwordHash: string }>(
    sql`SELECT ${USER_COLUMNS}, password_hash AS passwordHash FROM users FINAL WHERE email = ${normalized} AND NOT disabled ORDER BY created_at LIMIT 1`,
    AUTH('users.findUserByEmail'),
  );
  if (row) userByEmailCache().set(normalized, row);
  return row ?? null;
}

export async function getUser(store: Store, id: string): Promise<User | null> {
  const [row] = await store.query<User>(sql`SELECT ${USER_COLUMNS} FROM users FINAL WHERE id = ${id} AND NOT disabled LIMIT 1`, AUTH('users.getUser'));
  return row ?? null;
}

export async function createUser(store: Store, opts: { email: string; password: string; name?: string; role?: Role }): Promise<User> {
  const email = normalizeEmail(opts.email);
  validateCredentials(email, opts.password);
  if (await findUserByEmail(store, email)) throw new Error(`a user with email ${email} already exists`);
  const user: User = { id: randomUUID(), email, name: opts.name ?? '', role: opts.role ?? 'member', createdAt: new Date().toISOString() };
  await store.command(
    sql`INSERT INTO users (id, email, name, password_hash, role, _version)
        VALUES (${user.id}, ${email}, ${user.name}, ${await hashPassword(opts.password)}, ${user.role}, ${Date.now()})`,
    AUTH('users.createUser'),
  );
  userByEmailCache().delete(email);
  return user;
}

/**
 * First start: when no user exists, creates an admin from the given email/password, or with a
 * generated password that is returned once (the CLI prints it; it is never stored in clear).
 */
export async function ensureAdminUser(
  store: Store,
  email?: string,
  password?: string,
): Promise<{ created: boolean; email: string; generatedPassword?: string }> {
  if ((await countUsers(store)) > 0) return { created: false, email: email ? normalizeEmail(email) : '' };
  const generated = password ? undefined : randomBytes(12).toString('base64url');
  const user = await createUser(store, { email: email ?? DEFAULT_ADMIN_EMAIL, password: password ?? generated!, name: 'Admin', role: 'admin' });
  await grantAllProjects(store, user.id, 'admin');
  return generated ? { created: true, email: user.email, generatedPassword: generated } : { created: true, email: user.email };
}

/**
 * The user for these credentials, or null. Runs scrypt even for unknown emails (no timing
 * oracle). Reads the user through the short email cache; a failed check against a cached row
 * reads it again, so a password changed in another process is honoured.
 */
export async function verifyPassword(store: Store, email: string, password: string): Promise<User | null> {
  let found = await findUserByEmail(store, email, { cached: true });
  let ok = await checkPasswordHash(password, found?.passwordHash ?? DUMMY_HASH);
  if (found && !ok) {
    const fresh = await findUserByEmail(store, email);
    if (fresh && fresh.passwordHash !== found.passwordHash) ok = await checkPasswordHash(password, fresh.passwordHash);
    found = fresh;
  }
  if (!found || !ok) return null;
  const { passwordHash, ...user } = found;
  if (needsRehash(passwordHash)) await rehash(store, found, password);
  return user;
}

/**
 * Transparent upgrade: the password just checked is hashed again with the current parameters
 * and stored as a newer version of the user row. A failure is logged, never a failed login.
 */
async function rehash(store: Store, user: User & { passwordHash: string }, password: string): Promise<void> {
  try {
    const hash = await hashPassword(password);
    await store.command(
      sql`INSERT INTO users (id, email, name, password_hash, role, created_at, disabled, _version)
          SELECT id, email, name, ${hash}, role, created_at, disabled, ${Date.now()} FROM users FINAL WHERE id = ${user.id} AND password_hash = ${user.passwordHash}`,
      AUTH('users.rehash'),
    );
    userByEmailCache().delete(user.email);
  } catch (err) {
    console.error(`plumb: could not upgrade the password hash of ${user.email}: ${(err as Error).message}`);
  }
}
// A valid hash of a random password, so unknown emails cost the same scrypt as known ones.
const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${randomBytes(16).toString('base64url')}$${randomBytes(64).toString('base64url')}`;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Starts a session. With `user` (login has it), the session is cached at once, so the requests
 * that follow a sign-in do not look it up.
 */
export async function createSession(store: Store, userId: string, ttlMs = SESSION_TTL_MS, user?: User): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await store.command(
    sql`INSERT INTO sessions (token_hash, user_id, expires_at, _version) VALUES (${hashToken(token)}, ${userId}, ${expiresAt}, ${Date.now()})`,
    AUTH('users.createSession'),
  );
  if (user && user.id === userId && ttlMs > 0) sessionCache().set(hashToken(token), { user, expiresAt });
  else sessionCache().delete(hashToken(token));
  return { token, expiresAt };
}

/**
 * The live session for a cookie token (not expired, not revoked, user enabled), or null.
 * Cached 30 s per token (see sessionCache); an expired session is never served from the cache.
 */
export async function getSession(store: Store, token: string): Promise<Session | null> {
  if (!token || token.length > 200) return null;
  const hash = hashToken(token);
  const cache = sessionCache();
  const hit = cache.get(hash);
  if (hit === null) return null;
  if (hit && hit.expiresAt.getTime() > Date.now()) return hit;
  const [row] = await store.query<{ userId: string; expiresMs: number }>(
    sql`SELECT user_id AS userId, toUnixTimestamp64Milli(expires_at) AS expiresMs FROM sessions FINAL
        WHERE token_hash = ${hash} AND NOT revoked AND expires_at > now64(3) LIMIT 1`,
    AUTH('users.getSession'),
  );
  const user = row ? await getUser(store, row.userId) : null;
  const session = row && user ? { user, expiresAt: new Date(row.expiresMs) } : null;
  cache.set(hash, session);
  return session;
}

/** Revokes a session (logout). Returns whether a live session was revoked. */
export async function deleteSession(store: Store, token: string): Promise<boolean> {
  const hash = hashToken(token);
  sessionCache().delete(hash);
  const [row] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM sessions FINAL WHERE token_hash = ${hash} AND NOT revoked`, AUTH('users.deleteSession'));
  if (!row?.n) return false;
  await store.command(
    sql`INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked, _version)
        SELECT token_hash, user_id, created_at, expires_at, true, _version + 1 FROM sessions FINAL WHERE token_hash = ${hash}`,
    AUTH('users.deleteSession'),
  );
  // Dropped again after the write: a lookup racing the logout may have re-cached the session.
  sessionCache().delete(hash);
  return true;
}
