/**
 * Content Security Policy. Pages get a fresh nonce per request from proxy.ts: Next.js reads it from the
 * request's Content-Security-Policy header and puts it on its own scripts, and 'strict-dynamic' lets those
 * load the page's chunks. No 'unsafe-inline' for scripts, so markup injected into a page, if any ever gets
 * through React's escaping, does not run. Styles keep 'unsafe-inline': React style attributes and the charts
 * need it, and a style cannot run code.
 */
const common = [
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
];

export function pageCsp(nonce: string, dev = process.env.NODE_ENV === 'development'): string {
  // Development only: React rebuilds server error stacks in the browser with eval.
  const script = `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`;
  return ["default-src 'self'", script, ...common].join('; ');
}

/** Responses the proxy does not see (API, static files): no inline script at all. */
export const staticCsp = ["default-src 'self'", "script-src 'self'", ...common].join('; ');

/** 128 random bits, base64: fresh for every page response. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
