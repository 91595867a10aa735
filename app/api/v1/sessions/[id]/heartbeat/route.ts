import { apiRoute, json, requireId } from '@/lib/api/handler';
import { HeartbeatBody } from '@/lib/api/schemas';
import { AppError } from '@/lib/errors';
import { recordSignOfLife } from '@/lib/interventions/liveness';

/** Liveness: moves the last sign of life; an agent back from a `timeout` pause resumes it itself (lib/interventions/liveness.ts). */
export const POST = apiRoute<typeof HeartbeatBody, undefined, { id: string }>(
  { scopes: ['ingest'], body: HeartbeatBody },
  async ({ db, body, params, actor }) => {
    const sessionId = requireId(params.id, 'session');
    const statuses = await recordSignOfLife(db, { sessionIds: [sessionId], currentTask: body.currentTask, asyncCommit: true }, actor);
    const status = statuses.get(sessionId);
    if (!status) throw new AppError('not_found', 'No session with this id');
    return json(200, { status });
  },
);
