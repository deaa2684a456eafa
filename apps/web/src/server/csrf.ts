import { readCookie, SESSION_COOKIE } from './cookies.ts';

/**
 * CSRF protection for cookie-authenticated changes (tRPC mutations, logout). A request that
 * changes something and carries the session cookie must
 *  1. not come from another site: `Sec-Fetch-Site` (when the browser sends it) is same-origin
 *     or none, and `Origin` (when present) is this host; and
 *  2. carry the header `x-plumb-csrf: 1`. A cross-site page can send a custom header only after
 *     a CORS preflight, which Plumb never answers, so a forged form or fetch cannot have it.
 * The session cookie is also SameSite=Lax (no cross-site POST carries it in current browsers);
 * these checks are the defence that does not rely on that. Requests without the cookie
 * (Bearer keys, OTLP) have nothing a forger could ride on and are not checked.
 */
export const CSRF_HEADER = 'x-plumb-csrf';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function requestHost(request: Request): string {
  return (request.headers.get('x-forwarded-host') ?? request.headers.get('host') ?? new URL(request.url).host).split(',')[0]!.trim().toLowerCase();
}

/** Why the request is refused as a possible forgery, or null when it may proceed. */
export function csrfRefusal(request: Request): string | null {
  if (SAFE.has(request.method)) return null;
  if (!readCookie(request.headers.get('cookie'), SESSION_COOKIE)) return null;
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return `a ${site} request cannot change anything with this session`;
  const origin = request.headers.get('origin');
  if (origin !== null) {
    let host = '';
    try {
      host = new URL(origin).host.toLowerCase();
    } catch {
      // "null" (sandboxed frames, some redirects) and malformed values: not this origin.
    }
    if (host !== requestHost(request)) return `origin ${origin} is not this site`;
  }
  if (request.headers.get(CSRF_HEADER) !== '1') return `missing the ${CSRF_HEADER}: 1 header (send it with every change made with the session cookie)`;
  return null;
}

/** The 403 answer to a refused request. */
export function csrfResponse(reason: string): Response {
  return new Response(JSON.stringify({ error: { code: 'csrf', message: reason } }), {
    status: 403,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}
