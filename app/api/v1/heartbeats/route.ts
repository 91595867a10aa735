import { apiRoute, json } from '@/lib/api/handler';
import { BatchHeartbeatBody } from '@/lib/api/schemas';
import { noteActiveSessions } from '@/lib/auth/rate-limit';
import { AppError } from '@/lib/errors';
import { recordSignOfLife } from '@/lib/interventions/liveness';
import { recordHeartbeats } from '@/lib/sessions/heartbeats';

/** A runner's heartbeat for all the sessions it hosts: all applied, or (an unknown id) none, with 422 naming them. */
export const POST = apiRoute<typeof BatchHeartbeatBody>(
  { scopes: ['ingest'], body: BatchHeartbeatBody },
  async ({ db, body, actor }) => {
    const r = await recordHeartbeats(db, body.sessions);
    if (!r.ok) {
      const at = new Map(body.sessions.map((x, i) => [x.id.toLowerCase(), i]));
      throw new AppError('unprocessable', `No session with ${r.unknownIds.length === 1 ? 'this id' : 'these ids'}: ${r.unknownIds.join(', ')}`, {
        fields: r.unknownIds.map((id) => ({ path: `sessions.${at.get(id)}.id`, message: `No session with this id: ${id}` })),
      });
    }
    if (actor.kind === 'token') noteActiveSessions(actor.id, r.sessions.map((x) => x.id));
    // A paused session whose agent heart-beats again may sit in a watchdog `timeout` pause: that pause resolves
    // itself ("agent came back"), exactly as for the single heartbeat (lib/interventions/liveness.ts).
    const paused = r.sessions.filter((x) => x.status === 'paused').map((x) => x.id);
    if (!paused.length) return json(200, { sessions: r.sessions });
    const now = await recordSignOfLife(db, { sessionIds: paused }, actor);
    return json(200, { sessions: r.sessions.map((x) => ({ ...x, status: now.get(x.id.toLowerCase()) ?? x.status })) });
  },
);
