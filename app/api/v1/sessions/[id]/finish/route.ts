import { domainActorOf } from '@/lib/api/actor';
import { apiRoute, json, requireId } from '@/lib/api/handler';
import { FinishBody } from '@/lib/api/schemas';
import { AppError } from '@/lib/errors';
import { finishSession } from '@/lib/sessions/commands';

/** The end of a run; repeating the same end is harmless (200), a different end after the first is 409. */
export const POST = apiRoute<typeof FinishBody, undefined, { id: string }>(
  { scopes: ['ingest'], body: FinishBody },
  async ({ db, body, params, actor }) => {
    const sessionId = requireId(params.id, 'session');
    const r = await finishSession(db, { sessionId, status: body.status, error: body.error, actor: domainActorOf(actor) });
    if (!r.ok && r.reason === 'not_found') throw new AppError('not_found', 'No session with this id');
    if (!r.ok) throw new AppError('conflict', `The session already ended as ${r.status}`);
    return json(200, { session: r.session }, sessionId);
  },
);
