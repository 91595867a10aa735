import { eq } from 'drizzle-orm';
import { NextResponse } from 'next/server';
import { guardedRoute } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { deploymentChecklists } from '@/lib/db/schema';

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the detail page polls to notice someone else's tick: one indexed row, a few bytes. Every tick, untick,
 * sign-off and void bumps updated_at in its transaction, so a changed value means the page is stale.
 */
export const GET = guardedRoute<{ id: string }>({ permission: 'console:read' }, async ({ params }) => {
  if (!uuidRe.test(params.id)) throw new AppError('not_found', 'Checklist not found');
  const db = await getDb();
  const [row] = await db
    .select({ updatedAt: deploymentChecklists.updatedAt, status: deploymentChecklists.status })
    .from(deploymentChecklists)
    .where(eq(deploymentChecklists.id, params.id));
  if (!row) throw new AppError('not_found', 'Checklist not found');
  return NextResponse.json(
    { updatedAt: row.updatedAt.toISOString(), status: row.status },
    { headers: { 'cache-control': 'no-store' } },
  );
});
