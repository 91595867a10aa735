import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';

/**
 * Deletes tool executions older than the retention period (the seed's cleanup_old_records), in small batches so
 * no statement holds many row locks or runs long. FOR UPDATE SKIP LOCKED lets several app instances run the same
 * job at once: each takes different rows, none waits. The roll-up triggers mark the emptied hours, so the
 * charts follow. Returns how many rows went.
 */
export async function pruneToolHistory(
  db: Db,
  input: { retentionDays: number; batchSize?: number; maxBatches?: number; now?: Date },
): Promise<{ deleted: number; more: boolean }> {
  const batch = input.batchSize ?? 5000;
  const maxBatches = input.maxBatches ?? 20;
  const cutoff = new Date((input.now ?? new Date()).getTime() - input.retentionDays * 86_400_000).toISOString();
  let deleted = 0;
  for (let i = 0; i < maxBatches; i++) {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`WITH doomed AS (
            SELECT id FROM user_tool_history WHERE created_at < ${cutoff}::timestamptz
            ORDER BY created_at LIMIT ${batch} FOR UPDATE SKIP LOCKED
          ), gone AS (DELETE FROM user_tool_history h USING doomed WHERE h.id = doomed.id RETURNING 1)
          SELECT count(*)::int AS n FROM gone`,
    );
    const n = Number(row?.n ?? 0);
    deleted += n;
    if (n < batch) return { deleted, more: false };
  }
  return { deleted, more: true };
}
