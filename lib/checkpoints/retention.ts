import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';

/**
 * Checkpoint retention: each session keeps its newest `keepLast` checkpoints; older ones are deleted in
 * batches. Never deleted, whatever their age:
 *  - a checkpoint an open pause points at (the engineer may restore to it),
 *  - a checkpoint any recovery points at (recoveries are history; the FK is NO ACTION on purpose),
 *  - the latest valid checkpoint of a session (if the newest ones were all invalidated, it is the only
 *    state left to restore).
 *
 * Safe with several instances: a transaction-scoped advisory lock lets one instance prune at a time, and rows
 * are claimed FOR UPDATE SKIP LOCKED, so a checkpoint that a starting recovery is referencing right now (its FK
 * check holds a KEY SHARE lock) is skipped rather than waited for.
 */
const PRUNE_LOCK_KEY = 7_301_001;

export type PruneResult = { deleted: number; batches: number; skipped: boolean };

export async function pruneCheckpoints(
  db: Db,
  input: { keepLast: number; batchSize?: number; maxBatches?: number },
): Promise<PruneResult> {
  // keepLast = 0 means "retention off" rather than "delete everything".
  if (input.keepLast <= 0) return { deleted: 0, batches: 0, skipped: true };
  const batchSize = input.batchSize ?? 500;
  const maxBatches = input.maxBatches ?? 20;
  let deleted = 0;
  let batches = 0;
  for (; batches < maxBatches; ) {
    const result = await db.transaction(async (tx) => {
      const [lock] = await queryRows<{ locked: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(${PRUNE_LOCK_KEY}) AS locked`);
      if (!lock.locked) return null;
      const rows = await queryRows<{ id: string }>(
        tx,
        sql`DELETE FROM session_checkpoints WHERE id IN (
              SELECT c.id FROM (
                SELECT id, session_id, row_number() OVER (PARTITION BY session_id ORDER BY sequence DESC) AS rank
                  FROM session_checkpoints
              ) ranked
              JOIN session_checkpoints c ON c.id = ranked.id
             WHERE ranked.rank > ${input.keepLast}
               AND NOT EXISTS (SELECT 1 FROM paused_sessions p WHERE p.checkpoint_id = c.id AND NOT p.resolved)
               AND NOT EXISTS (SELECT 1 FROM checkpoint_recoveries r WHERE r.checkpoint_id = c.id)
               AND NOT (c.is_valid AND NOT EXISTS (
                 SELECT 1 FROM session_checkpoints later
                  WHERE later.session_id = c.session_id AND later.sequence > c.sequence AND later.is_valid))
             LIMIT ${batchSize}
             FOR UPDATE OF c SKIP LOCKED
            ) RETURNING id`,
      );
      return rows.length;
    });
    if (result === null) return { deleted, batches, skipped: true };
    batches++;
    deleted += result;
    if (result < batchSize) break;
  }
  return { deleted, batches, skipped: false };
}
