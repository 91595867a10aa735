import { z } from 'zod';
import { guardedRoute } from '@/lib/auth/guards';
import { AppError } from '@/lib/errors';
import { getDatabaseStats } from '@/lib/observability/stats';

export const dynamic = 'force-dynamic';

const query = z.object({ sinceMinutes: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60) });

export const GET = guardedRoute({ permission: 'metrics:read', scopes: ['metrics'] }, async ({ request }) => {
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const e = new AppError('bad_request', 'sinceMinutes must be a whole number of minutes between 1 and 10080');
    return Response.json(e.toJSON(), { status: e.status });
  }
  try {
    return Response.json(await getDatabaseStats({ sinceMinutes: parsed.data.sinceMinutes }), {
      headers: { 'Cache-Control': 'no-store' },
    });
  } catch {
    const e = new AppError('unavailable', 'Database statistics are not available right now');
    return Response.json(e.toJSON(), { status: e.status });
  }
});
