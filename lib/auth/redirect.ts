/**
 * Where to go after signing in: `?next=` is attacker-controlled (a link in a phishing mail), so it is resolved
 * the way the browser will resolve it, against our own origin, and accepted only if it stays there. Browsers
 * read `\` as `/` and drop tabs and newlines inside URLs, so `/\evil.example` and `/%09/evil.example` (decoded:
 * a tab) both mean `//evil.example`, another site; checking the string's first characters is not enough.
 * Client-safe (no server imports): the sign-in page and its form both use it.
 */
const PROBE_ORIGIN = 'https://flightdeck.invalid';

export function safeNextPath(next: string | null | undefined, fallback = '/overview'): string {
  if (!next || !next.startsWith('/')) return fallback;
  let url: URL;
  try {
    url = new URL(next, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_ORIGIN) return fallback;
  const path = url.pathname + url.search + url.hash;
  // `/.//evil.example` normalises to the path `//evil.example`, which a router would read as another host.
  return path.startsWith('//') ? fallback : path;
}
