import type { NextConfig } from 'next';

const config: NextConfig = {
  // Native / server-only clients must not be bundled.
  serverExternalPackages: ['chdb', '@clickhouse/client'],
  // Workspace packages ship TypeScript source with `.ts` import specifiers.
  transpilePackages: ['@plumb/store', '@plumb/analytics', '@plumb/semconv', '@plumb/pricing', '@plumb/otlp'],
  reactStrictMode: true,
  poweredByHeader: false,
  typescript: { tsconfigPath: 'tsconfig.json' },
};

export default config;
