import { createSession, deleteSession, verifyPassword, type Store } from '@plumb/store';
import { clearSessionCookie, isHttps, readCookie, SESSION_COOKIE, sessionCookie } from '../cookies.ts';
import { apiError, json, wrap, type Handler } from './http.ts';

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
    const user = await verifyPassword(store, email, password);
    if (!user) return apiError(401, 'invalid_credentials', 'wrong email or password');
    const session = await createSession(store, user.id);
    return json(200, { user }, { 'set-cookie': sessionCookie(session.token, session.expiresAt, isHttps(request)) });
  });
}

/** POST /api/auth/logout: revokes the session (if any) and clears the cookie. */
export function logoutHandler(getStore: () => Promise<Store>): Handler {
  return wrap(async (request) => {
    if (request.method !== 'POST') return apiError(405, 'method_not_allowed', 'use POST');
    const token = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
    if (token) await deleteSession(await getStore(), token);
    return json(200, { ok: true }, { 'set-cookie': clearSessionCookie(isHttps(request)) });
  });
}
