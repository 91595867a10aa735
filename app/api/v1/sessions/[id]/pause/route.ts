import { apiRoute, json, requireId } from '@/lib/api/handler';
import { PauseBody } from '@/lib/api/schemas';
import { AppError } from '@/lib/errors';
import type { PausedSession } from '@/lib/db/schema';
import { pauseSession } from '@/lib/interventions/commands';
import { recordSignOfLife } from '@/lib/interventions/liveness';

function pauseView(p: PausedSession) {
  const { id, sessionId, reason, pauseType, currentTask, context, checkpointId, pausedAt, resolved } = p;
  return { id, sessionId, reason, pauseType, currentTask, context, checkpointId, pausedAt, resolved };
}

/**
 * The agent asks for a person. A retry of the same pause (same reason and type while it is open) answers 200 with
 * the open pause, so at-least-once delivery without an Idempotency-Key is still harmless; any other pause while
 * one is open is 409.
 */
export const POST = apiRoute<typeof PauseBody, undefined, { id: string }>(
  { scopes: ['control'], body: PauseBody },
  async ({ db, body, params, actor }) => {
    const sessionId = requireId(params.id, 'session');
    // An agent back from a `timeout` pause that now pauses for its own reason: the timeout pause resolves first.
    await recordSignOfLife(db, { sessionIds: [sessionId] }, actor);
    const r = await pauseSession(db, {
      sessionId,
      reason: body.reason,
      pauseType: body.pauseType,
      currentTask: body.currentTask,
      context: body.context,
      checkpointId: body.checkpointId,
    }, actor);
    if (r.ok) return json(201, { pause: pauseView(r.pause) }, sessionId);
    if (r.reason === 'not_found') throw new AppError('not_found', 'No session with this id');
    if (r.reason === 'session_finished') throw new AppError('conflict', `The session already ended as ${r.status}`);
    if (r.pause.reason === body.reason && r.pause.pauseType === body.pauseType) return json(200, { pause: pauseView(r.pause) });
    throw new AppError('conflict', 'The session is already paused and waiting for a decision');
  },
);
