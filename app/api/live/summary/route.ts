import { NextResponse } from 'next/server';
import { guardedRoute } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { countActiveInterventions } from '@/lib/interventions/queries';
import { countUnreadNotifications } from '@/lib/interventions/notifications';

export const dynamic = 'force-dynamic';

/** The navigation's live counters: open interventions and the caller's unread notifications. */
export const GET = guardedRoute({ permission: 'console:read' }, async ({ actor }) => {
  const db = await getDb();
  const [activeInterventions, unreadNotifications] = await Promise.all([
    countActiveInterventions(db),
    actor.kind === 'user' ? countUnreadNotifications(db, { userId: actor.id }) : 0,
  ]);
  return NextResponse.json({ activeInterventions, unreadNotifications }, { headers: { 'cache-control': 'no-store' } });
});
