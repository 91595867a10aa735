import { apiRoute, json, requireId } from '@/lib/api/handler';
import { CreateCheckpointBody } from '@/lib/api/schemas';
import { createCheckpoint } from '@/lib/checkpoints/commands';
import { listSessionCheckpoints } from '@/lib/checkpoints/state';
import { AppError } from '@/lib/errors';
import { env } from '@/lib/env';
import { recordSignOfLife } from '@/lib/interventions/liveness';

/** A checkpoint gets the session's next sequence; replaying the latest one returns it (200) instead of a copy. */
export const POST = apiRoute<typeof CreateCheckpointBody, undefined, { id: string }>(
  { scopes: ['ingest'], body: CreateCheckpointBody, maxBytes: () => env().API_MAX_CHECKPOINT_BYTES },
  async ({ db, body, params, actor }) => {
    const sessionId = requireId(params.id, 'session');
    await recordSignOfLife(db, { sessionIds: [sessionId] }, actor);
    const r = await createCheckpoint(db, { sessionId, ...body });
    if (!r.ok) throw new AppError('not_found', 'No session with this id');
    return json(r.created ? 201 : 200, { id: r.checkpoint.id, sequence: r.checkpoint.sequence, created: r.created });
  },
);

export const GET = apiRoute<undefined, undefined, { id: string }>({ scopes: ['read', 'ingest'] }, async ({ db, params }) => {
  const sessionId = requireId(params.id, 'session');
  const checkpoints = await listSessionCheckpoints(db, { sessionId });
  if (!checkpoints) throw new AppError('not_found', 'No session with this id');
  return json(200, { checkpoints });
});
