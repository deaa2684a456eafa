import { NextResponse, type NextRequest } from 'next/server';
import { COMMON_SECURITY_HEADERS, pageCsp } from './server/security-headers.ts';

/**
 * A fresh nonce per page request, put in the request's Content-Security-Policy (Next reads it
 * there and stamps its inline scripts with it while rendering; every page here is dynamic: the
 * root layout reads cookies) and in the response. API routes and static files get their
 * headers from next.config.ts instead (see the matcher).
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = pageCsp(nonce);
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  for (const [k, v] of Object.entries(COMMON_SECURITY_HEADERS)) response.headers.set(k, v);
  return response;
}

export const config = {
  matcher: ['/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)'],
};
