import { guardedRoute } from '@/lib/auth/guards';
import { metricsRegistry } from '@/lib/observability/prometheus';

export const dynamic = 'force-dynamic';

/** Prometheus text exposition. */
export const GET = guardedRoute({ permission: 'metrics:read', scopes: ['metrics'] }, async () => {
  const registry = metricsRegistry();
  return new Response(await registry.metrics(), {
    headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' },
  });
});
