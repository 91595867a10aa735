import { NextResponse } from 'next/server';
import { guardedRoute } from '@/lib/auth/guards';
import { getChecklistVersion } from '@/lib/checklists/queries';
import { getDb } from '@/lib/db/client';
import { AppError } from '@/lib/errors';

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The checklist's version for the detail page's staleness poll (getChecklistVersion says why it suffices). */
export const GET = guardedRoute<{ id: string }>({ permission: 'console:read' }, async ({ params }) => {
  if (!uuidRe.test(params.id)) throw new AppError('not_found', 'Checklist not found');
  const row = await getChecklistVersion(await getDb(), { checklistId: params.id });
  if (!row) throw new AppError('not_found', 'Checklist not found');
  return NextResponse.json(
    { updatedAt: row.updatedAt.toISOString(), status: row.status },
    { headers: { 'cache-control': 'no-store' } },
  );
});
