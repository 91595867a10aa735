import { apiRoute, json, requireId } from '@/lib/api/handler';
import { HeartbeatBody } from '@/lib/api/schemas';
import { AppError } from '@/lib/errors';
import { recordHeartbeat } from '@/lib/sessions/commands';

export const POST = apiRoute<typeof HeartbeatBody, undefined, { id: string }>(
  { scopes: ['ingest'], body: HeartbeatBody },
  async ({ db, body, params }) => {
    const r = await recordHeartbeat(db, { sessionId: requireId(params.id, 'session'), currentTask: body.currentTask });
    if (!r.ok) throw new AppError('not_found', 'No session with this id');
    return json(200, { status: r.status });
  },
);
