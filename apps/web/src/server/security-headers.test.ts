import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import nextConfig from '../../next.config.ts';
import { proxy, config as proxyConfig } from '../proxy.ts';
import { API_CSP, COMMON_SECURITY_HEADERS } from './security-headers.ts';

/** The served headers are checked in the browser too (e2e/access.spec.ts); this pins their content. */
describe('security headers', () => {
  it('pages: a nonce CSP that forbids framing, foreign scripts and plugins; fresh nonce per request', () => {
    const a = proxy(new NextRequest('http://localhost/traces'));
    const b = proxy(new NextRequest('http://localhost/traces'));
    const csp = a.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).not.toMatch(/unsafe-eval/);
    for (const d of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "connect-src 'self'", "default-src 'self'"]) expect(csp).toContain(d);
    expect(b.headers.get('content-security-policy')).not.toBe(csp);
    expect(a.headers.get('x-frame-options')).toBe('DENY');
    expect(a.headers.get('x-content-type-options')).toBe('nosniff');
    expect(a.headers.get('referrer-policy')).toBe('same-origin');
    // Next reads the nonce from the forwarded request headers.
    expect(a.headers.get('x-middleware-request-content-security-policy')).toBe(csp);
  });

  it('the proxy covers pages, not API routes or static files', () => {
    const re = new RegExp(`^${proxyConfig.matcher[0]!}$`);
    for (const p of ['/', '/traces', '/login', '/settings', '/traces/abc']) expect(re.test(p), p).toBe(true);
    for (const p of ['/api/trpc/x', '/api/v1/traces', '/_next/static/chunks/a.js']) expect(re.test(p), p).toBe(false);
  });

  it('API routes: a CSP that allows nothing, no framing, no sniffing', async () => {
    const rules = await nextConfig.headers!();
    const api = rules.find((r) => r.source === '/api/:path*')!;
    const h = Object.fromEntries(api.headers.map((x) => [x.key.toLowerCase(), x.value]));
    expect(h['content-security-policy']).toMatch(/^default-src 'none';.*frame-ancestors 'none'/);
    expect(h).toMatchObject({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin' });
    // next.config.ts writes the values out (it cannot import .ts at run time): same as the proxy's.
    expect(api.headers).toEqual([...Object.entries(COMMON_SECURITY_HEADERS).map(([key, value]) => ({ key, value })), { key: 'Content-Security-Policy', value: API_CSP }]);
  });
});
