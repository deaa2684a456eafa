import type { NextConfig } from 'next';
import { API_CSP, COMMON_SECURITY_HEADERS } from './src/server/security-headers.ts';

const common = Object.entries(COMMON_SECURITY_HEADERS).map(([key, value]) => ({ key, value }));

const config: NextConfig = {
  // Native / server-only clients must not be bundled.
  serverExternalPackages: ['chdb', '@clickhouse/client'],
  // Workspace packages ship TypeScript source with `.ts` import specifiers.
  transpilePackages: ['@plumb/store', '@plumb/analytics', '@plumb/semconv', '@plumb/pricing', '@plumb/otlp'],
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
