/**
 * Security headers, one definition for every response: pages get a per-request nonce CSP from
 * the proxy (src/proxy.ts); API routes (JSON, never rendered) get a CSP that allows nothing;
 * both get the frame, sniffing and referrer headers (next.config.ts `headers()` for API routes
 * and static files, the proxy for pages).
 */

/** Headers every response carries. */
export const COMMON_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  // Trace URLs carry tenant names and ids in their query: never send them to another origin.
  'Referrer-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** API responses are JSON: nothing in them may run, load or be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The pages' policy. Scripts: only Next's own, carrying this request's nonce ('strict-dynamic'
 * lets them load the chunks they import); no inline script without it, no eval (except in
 * development, where React needs it). Styles: 'unsafe-inline' because React style attributes
 * and Recharts set inline styles, which nonces cannot cover. connect-src 'self': tRPC only.
 */
export function pageCsp(nonce: string, dev = process.env.NODE_ENV === 'development'): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
