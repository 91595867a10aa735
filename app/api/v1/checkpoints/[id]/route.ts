import { apiRoute, json, requireId } from '@/lib/api/handler';
import { getCheckpointState } from '@/lib/checkpoints/state';
import { AppError } from '@/lib/errors';

/** The full state of one checkpoint, conversation history included. */
export const GET = apiRoute<undefined, undefined, { id: string }>({ scopes: ['read', 'ingest'] }, async ({ db, params }) => {
  const checkpoint = await getCheckpointState(db, { checkpointId: requireId(params.id, 'checkpoint') });
  if (!checkpoint) throw new AppError('not_found', 'No checkpoint with this id');
  return json(200, { checkpoint });
});
