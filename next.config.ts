import type { NextConfig } from 'next';
import { staticCsp } from './lib/http/csp';
import { commonSecurityHeaders } from './lib/http/security-headers';

const nextConfig: NextConfig = {
  // PGlite ships WASM and data files that break when bundled; load it from node_modules at run time. protobufjs
  // (lib/otlp/codec.ts) finds its optional 'long' module with a run-time require that bundling would hide,
  // and without it 64-bit span timestamps would lose precision.
  serverExternalPackages: ['@electric-sql/pglite', 'protobufjs'],
  poweredByHeader: false,
  // The checklist import sends up to 2 MB of Markdown (lib/checklists/import-limit.ts) plus a few small fields;
  // Next's default of 1 MB answered a bigger import with a 500. Over 2 MB the form and the action refuse it.
  experimental: { serverActions: { bodySizeLimit: '3mb' } },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [...commonSecurityHeaders],
      },
      // Pages get a per-request nonce policy from proxy.ts; the API (its HTML docs included) gets one without
      // any inline script.
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: staticCsp }] },
    ];
  },
};

export default nextConfig;
