import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { sessionCheckpoints } from '@/lib/db/schema';
import { diffStates, type CheckpointState, type StateDiff } from './diff';
import { stateOf } from './fork';

export type DiffSide = { id: string; sequence: number; checkpointType: string; createdAt: Date };
export type CheckpointDiffResult = { ok: true; from: DiffSide; to: DiffSide; diff: StateDiff } | { ok: false; message: string };

async function loadState(db: Db, sessionId: string, checkpointId: string | 'latest') {
  const [c] = await db
    .select()
    .from(sessionCheckpoints)
    .where(checkpointId === 'latest' ? eq(sessionCheckpoints.sessionId, sessionId) : and(eq(sessionCheckpoints.sessionId, sessionId), eq(sessionCheckpoints.id, checkpointId)))
    .orderBy(desc(sessionCheckpoints.sequence))
    .limit(1);
  return c ?? null;
}

/**
 * Any two checkpoints of one session (or one against the agent's latest), diffed on the server: only the first
 * `limit` message changes and a capped raw delta leave it, whatever the states' size.
 */
export async function diffCheckpoints(
  db: Db,
  input: { sessionId: string; fromId: string; toId: string | 'latest'; limit?: number },
): Promise<CheckpointDiffResult> {
  const [from, to] = await Promise.all([loadState(db, input.sessionId, input.fromId), loadState(db, input.sessionId, input.toId)]);
  if (!from || !to) return { ok: false, message: 'That checkpoint is not part of this session (it may have been pruned).' };
  const side = (c: typeof from): DiffSide => ({ id: c.id, sequence: c.sequence, checkpointType: c.checkpointType, createdAt: c.createdAt });
  return { ok: true, from: side(from), to: side(to), diff: diffStates(stateOf(from), stateOf(to), { limit: input.limit }) };
}

/** An edited state against the checkpoint it comes from (the editor's preview). */
export async function diffAgainstEdit(db: Db, input: { sessionId: string; checkpointId: string; state: CheckpointState; limit?: number }) {
  const from = await loadState(db, input.sessionId, input.checkpointId);
  if (!from) return null;
  return diffStates(stateOf(from), input.state, { limit: input.limit });
}
