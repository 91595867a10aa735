import { NextResponse } from 'next/server';
import { guardedRoute } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { listNotifications } from '@/lib/interventions/notifications';

export const dynamic = 'force-dynamic';

/** The caller's latest in-app notifications (the bell's list). */
export const GET = guardedRoute({ permission: 'console:read' }, async ({ actor }) => {
  if (actor.kind !== 'user') return NextResponse.json({ notifications: [] });
  const rows = await listNotifications(await getDb(), { userId: actor.id, limit: 20 });
  return NextResponse.json(
    {
      notifications: rows.map((n) => ({
        id: n.id,
        title: n.title,
        body: n.body,
        pausedSessionId: n.pausedSessionId,
        checklistId: n.checklistId,
        read: n.readAt !== null,
        createdAt: n.createdAt,
      })),
    },
    { headers: { 'cache-control': 'no-store' } },
  );
});
