import { getHealth } from '@/lib/observability/stats';

export const dynamic = 'force-dynamic';

/** Liveness for load balancers and operators: no log-in, 200 when usable, 503 with what is wrong. */
export async function GET() {
  const report = await getHealth();
  return Response.json(report, {
    status: report.status === 'unavailable' ? 503 : 200,
    headers: { 'Cache-Control': 'no-store' },
  });
}
