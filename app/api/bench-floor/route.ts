export const dynamic = 'force-dynamic';

/**
 * The benchmark's floor (scripts/bench-fleet.ts): a route handler in the same build that authenticates nothing,
 * reads nothing and answers 200, so what Next.js and Node's HTTP stack cost per request can be measured beside the
 * agent API's hot path. It returns no data.
 */
export function GET() {
  return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
}
