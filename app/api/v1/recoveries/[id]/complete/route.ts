import { apiRoute, json, requireId } from '@/lib/api/handler';
import { CompleteRecoveryBody } from '@/lib/api/schemas';
import { completeRecovery } from '@/lib/checkpoints/recovery';
import { AppError } from '@/lib/errors';

/** The agent reports how a restore went; the same report again is harmless, a different one is 409. */
export const POST = apiRoute<typeof CompleteRecoveryBody, undefined, { id: string }>(
  { scopes: ['control'], body: CompleteRecoveryBody },
  async ({ db, body, params, actor }) => {
    const r = await completeRecovery(db, {
      recoveryId: requireId(params.id, 'recovery'),
      status: body.status,
      error: body.error,
    }, actor);
    if (!r.ok && r.reason === 'not_found') throw new AppError('not_found', 'No recovery with this id');
    if (!r.ok) throw new AppError('conflict', `The recovery already ended as ${r.status}`);
    const { id, sessionId, checkpointId, recoveryStatus, startedAt, completedAt, error } = r.recovery;
    return json(
      200,
      { recovery: { id, sessionId, checkpointId, recoveryStatus, startedAt, completedAt, error }, alreadyCompleted: r.alreadyCompleted },
      sessionId,
    );
  },
);
