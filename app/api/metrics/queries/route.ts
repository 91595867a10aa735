import { z } from 'zod';
import { guardedRoute } from '@/lib/auth/guards';
import { AppError } from '@/lib/errors';
import { getQueryStats } from '@/lib/observability/stats';

export const dynamic = 'force-dynamic';

const query = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(20),
  orderBy: z.enum(['total', 'mean', 'p95', 'count', 'errors']).default('total'),
});

export const GET = guardedRoute({ permission: 'metrics:read', scopes: ['metrics'] }, async ({ request }) => {
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const e = new AppError('bad_request', 'limit must be 1–200; orderBy one of total, mean, p95, count, errors', {
      fields: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
    return Response.json(e.toJSON(), { status: e.status });
  }
  try {
    return Response.json(await getQueryStats(parsed.data), { headers: { 'Cache-Control': 'no-store' } });
  } catch {
    const e = new AppError('unavailable', 'Query statistics are not available right now');
    return Response.json(e.toJSON(), { status: e.status });
  }
});
