import { metricsRegistry } from '@/lib/db/prometheus';

export const dynamic = 'force-dynamic';

/** Prometheus text exposition. */
export async function GET() {
  // TODO(auth): require the `metrics:read` permission (session) or an API token with the `metrics` scope.
  const registry = metricsRegistry();
  return new Response(await registry.metrics(), {
    headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' },
  });
}
