import { staticCsp } from './csp';

/**
 * The response headers every answer gets (next.config.ts `headers()`), and the API's extra Content-Security-Policy
 * without any inline script. One list, read by next.config.ts and by the agent API's fast path
 * (lib/http/fast-path.ts), so the two front doors cannot drift apart.
 */
export const commonSecurityHeaders: ReadonlyArray<{ key: string; value: string }> = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

export const apiSecurityHeaders: ReadonlyArray<{ key: string; value: string }> = [
  ...commonSecurityHeaders,
  { key: 'Content-Security-Policy', value: staticCsp },
];
