import { createSession, deleteSession, KeyVerifier, PasswordHashBusyError, sharedLimiter, verifyPassword, withQueryTag, type Scope, type Store, type VerifiedKey } from '@plumb/store';
import { csrfRefusal } from '../csrf.ts';
import { clearSessionCookie, isHttps, PROJECT_HEADER, readCookie, SESSION_COOKIE, sessionCookie } from '../cookies.ts';
import { apiError, HttpError, json, wrap, type Handler, type RestDeps } from './http.ts';
import { loginThrottle } from './login-throttle.ts';

const verifiers = new WeakMap<Store, KeyVerifier>();

export interface KeyAuth {
  store: Store;
  /** The key's project: the only project this request can see or change. */
  projectId: string;
  key: VerifiedKey;
}

const SCOPE_HINT: Record<Scope, string> = {
  read: 'create one with the read scope in Settings → API keys',
  write: 'create one with the write scope in Settings → API keys',
  ingest: 'ingest keys only send spans to the collector',
};

/** Requests per second per API key on the REST API (PLUMB_KEY_RATE_LIMIT; 0 = unlimited), burst twice that. */
export function keyRateLimit(): number {
  const raw = process.env.PLUMB_KEY_RATE_LIMIT?.trim();
  const n = raw ? Number(raw) : 50;
  return Number.isFinite(n) && n >= 0 ? n : 50;
}

/**
 * THE access check of the REST API: `Authorization: Bearer <key>`, a live key whose project
 * exists (verification is cached; see KeyVerifier), carrying `scope`. A key belongs to one
 * project and serves only it: a request that names another project (x-plumb-project) gets the
 * same 404 as a project that does not exist.
 */
export async function authenticateKey(request: Request, deps: RestDeps, scope: Scope): Promise<KeyAuth> {
  const header = request.headers.get('authorization') ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!m) throw new HttpError(401, 'unauthorized', 'missing Authorization: Bearer <key> header');
  const store = await deps.getStore();
  let verifier = deps.verifier ?? verifiers.get(store);
  if (!verifier) {
    verifier = new KeyVerifier(store);
    verifiers.set(store, verifier);
  }
  const key = await withQueryTag({ kind: 'auth', caller: 'rest key check' }, () => verifier.verify(m[1]!));
  if (!key) throw new HttpError(401, 'unauthorized', 'invalid or revoked API key');
  const asked = request.headers.get(PROJECT_HEADER)?.trim();
  if (asked && asked !== key.projectId) throw new HttpError(404, 'not_found', `unknown project ${JSON.stringify(asked)}`);
  if (!key.scopes.includes(scope)) throw new HttpError(403, 'forbidden', `this API key lacks the ${scope} scope (${SCOPE_HINT[scope]})`);
  const wait = sharedLimiter('rest-keys', keyRateLimit()).take(key.keyId);
  if (wait > 0) throw new HttpError(429, 'rate_limited', `this API key is over its limit of ${keyRateLimit()} requests/s; retry in ${wait} s`, undefined, { 'retry-after': String(wait) });
  return { store, projectId: key.projectId, key };
}

/**
 * POST /api/auth/login `{ email, password }` → 200 `{ user }` with the session cookie.
 * JSON only: a cross-site HTML form cannot send application/json without a CORS preflight,
 * which is what keeps login CSRF out.
 */
export function loginHandler(getStore: () => Promise<Store>): Handler {
  return wrap(async (request) => {
    if (request.method !== 'POST') return apiError(405, 'method_not_allowed', 'use POST');
    if (!(request.headers.get('content-type') ?? '').includes('application/json')) {
      return apiError(415, 'unsupported_media_type', 'send JSON: {"email": "...", "password": "..."}');
    }
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return apiError(400, 'invalid_body', 'the body is not valid JSON');
    }
    const { email, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof email !== 'string' || email.trim() === '') return apiError(400, 'invalid_parameter', '`email` is required', 'email');
    if (typeof password !== 'string' || password === '') return apiError(400, 'invalid_parameter', '`password` is required', 'password');
    const throttle = loginThrottle();
    const wait = throttle.retryAfter(email);
    if (wait > 0) return tooManyAttempts(wait);
    const store = await getStore();
    let result;
    try {
      result = await withQueryTag({ kind: 'auth', caller: 'rest login' }, async () => {
        const u = await verifyPassword(store, email, password);
        return { user: u, session: u ? await createSession(store, u.id, undefined, u) : null };
      });
    } catch (err) {
      if (err instanceof PasswordHashBusyError) return apiError(503, 'overloaded', err.message, undefined, { 'retry-after': '2' });
      throw err;
    }
    const { user, session } = result;
    if (!user || !session) {
      const locked = throttle.failed(email);
      return locked > 0 ? tooManyAttempts(locked) : apiError(401, 'invalid_credentials', 'wrong email or password');
    }
    throttle.succeeded(email);
    return json(200, { user }, { 'set-cookie': sessionCookie(session.token, session.expiresAt, isHttps(request)) });
  });
}

const tooManyAttempts = (seconds: number) =>
  apiError(429, 'too_many_attempts', `too many wrong passwords for this account; try again in ${seconds} s`, undefined, { 'retry-after': String(seconds) });

/** POST /api/auth/logout: revokes the session (if any) and clears the cookie. */
export function logoutHandler(getStore: () => Promise<Store>): Handler {
  return wrap(async (request) => {
    if (request.method !== 'POST') return apiError(405, 'method_not_allowed', 'use POST');
    const refused = csrfRefusal(request);
    if (refused) return apiError(403, 'csrf', refused);
    const token = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
    if (token) {
      const store = await getStore();
      await withQueryTag({ kind: 'auth', caller: 'rest logout' }, () => deleteSession(store, token));
    }
    return json(200, { ok: true }, { 'set-cookie': clearSessionCookie(isHttps(request)) });
  });
}
