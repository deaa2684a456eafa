import { createSession, deleteSession, KeyVerifier, verifyPassword, withQueryTag, type Scope, type Store, type VerifiedKey } from '@plumb/store';
import { clearSessionCookie, isHttps, PROJECT_HEADER, readCookie, SESSION_COOKIE, sessionCookie } from '../cookies.ts';
import { apiError, HttpError, json, wrap, type Handler, type RestDeps } from './http.ts';

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
    const store = await getStore();
    const { user, session } = await withQueryTag({ kind: 'auth', caller: 'rest login' }, async () => {
      const u = await verifyPassword(store, email, password);
      return { user: u, session: u ? await createSession(store, u.id, undefined, u) : null };
    });
    if (!user || !session) return apiError(401, 'invalid_credentials', 'wrong email or password');
    return json(200, { user }, { 'set-cookie': sessionCookie(session.token, session.expiresAt, isHttps(request)) });
  });
}

/** POST /api/auth/logout: revokes the session (if any) and clears the cookie. */
export function logoutHandler(getStore: () => Promise<Store>): Handler {
  return wrap(async (request) => {
    if (request.method !== 'POST') return apiError(405, 'method_not_allowed', 'use POST');
    const token = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
    if (token) {
      const store = await getStore();
      await withQueryTag({ kind: 'auth', caller: 'rest logout' }, () => deleteSession(store, token));
    }
    return json(200, { ok: true }, { 'set-cookie': clearSessionCookie(isHttps(request)) });
  });
}
