import type { NextConfig } from 'next';

// The same values as src/server/security-headers.ts (COMMON_SECURITY_HEADERS, API_CSP), which the
// proxy uses for pages. Written out here because `plumb start` loads this file at run time with
// a plain require that cannot resolve a .ts import; security-headers.test.ts checks they agree.
const common = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const config: NextConfig = {
  // Native / server-only clients must not be bundled.
  serverExternalPackages: ['chdb', '@clickhouse/client', 'pino'],
  // Workspace packages ship TypeScript source with `.ts` import specifiers.
  transpilePackages: ['@plumb/store', '@plumb/analytics', '@plumb/alerts', '@plumb/semconv', '@plumb/pricing', '@plumb/otlp', '@plumb/ops'],
  reactStrictMode: true,
  poweredByHeader: false,
  typescript: { tsconfigPath: 'tsconfig.json' },
  /**
   * Pages get their CSP (with a per-request nonce) and these headers from src/proxy.ts; API
   * routes and static files get them here. Two CSP headers on one page would intersect, so the
   * page CSP is never set here.
   */
  async headers() {
    return [
      { source: '/api/:path*', headers: [...common, { key: 'Content-Security-Policy', value: API_CSP }] },
      { source: '/_next/static/:path*', headers: common },
    ];
  },
};

export default config;
