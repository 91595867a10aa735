import { and, desc, eq, lt } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { sessionCheckpoints } from '@/lib/db/schema';
import { summaryColumns } from './commands';

/**
 * Checkpoint reads for the console. Nothing here returns a whole conversation_history: it can be megabytes,
 * so the page asks for a window of messages (jsonpath slice in the database) and the sizes it needs.
 */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


export type CheckpointDiff = {
  previous: { id: string; sequence: number; messageCount: number } | null;
  tasksAdded: string[];
  tasksRemoved: string[];
  messagesAdded: number;
};

/**
 * A checkpoint without its history, and how it differs from the one before it. The diff is computed from
 * message_count and completed_tasks only: histories grow by appending, so the new messages are the ones
 * past the previous count (listCheckpointMessages with that offset).
 */
export async function getCheckpointDetail(db: Db, input: { sessionId: string; checkpointId: string }) {
  if (!uuidPattern.test(input.checkpointId) || !uuidPattern.test(input.sessionId)) return null;
  const [checkpoint] = await db
    .select(summaryColumns)
    .from(sessionCheckpoints)
    .where(and(eq(sessionCheckpoints.id, input.checkpointId), eq(sessionCheckpoints.sessionId, input.sessionId)));
  if (!checkpoint) return null;
  const [previous] = await db
    .select({
      id: sessionCheckpoints.id,
      sequence: sessionCheckpoints.sequence,
      messageCount: sessionCheckpoints.messageCount,
      completedTasks: sessionCheckpoints.completedTasks,
    })
    .from(sessionCheckpoints)
    .where(and(eq(sessionCheckpoints.sessionId, checkpoint.sessionId), lt(sessionCheckpoints.sequence, checkpoint.sequence)))
    .orderBy(desc(sessionCheckpoints.sequence))
    .limit(1);
  const before = new Set(previous?.completedTasks ?? []);
  const now = new Set(checkpoint.completedTasks);
  const diff: CheckpointDiff = {
    previous: previous ? { id: previous.id, sequence: previous.sequence, messageCount: previous.messageCount } : null,
    tasksAdded: checkpoint.completedTasks.filter((t) => !before.has(t)),
    tasksRemoved: [...before].filter((t) => !now.has(t)),
    messagesAdded: checkpoint.messageCount - (previous?.messageCount ?? 0),
  };
  return { checkpoint, diff };
}

export type CheckpointDetail = NonNullable<Awaited<ReturnType<typeof getCheckpointDetail>>>;

/**
 * A window of a checkpoint's conversation: messages [offset, offset + limit). The slice is taken in the
 * database (jsonpath `$[a to b]`), so only the window crosses the wire, whatever the history's size.
 */
export async function listCheckpointMessages(
  db: Db,
  input: { checkpointId: string; offset?: number; limit?: number },
): Promise<{ total: number; offset: number; messages: unknown[] }> {
  const offset = Math.max(0, Math.floor(input.offset ?? 0));
  const limit = Math.min(Math.max(Math.floor(input.limit ?? 200), 1), 1000);
  if (!uuidPattern.test(input.checkpointId)) return { total: 0, offset, messages: [] };
  const [row] = await queryRows<{ total: number; messages: unknown[] | string }>(
    db,
    sql`SELECT jsonb_array_length(conversation_history)::int AS total,
               jsonb_path_query_array(conversation_history, 'lax $[$from to $to]',
                 jsonb_build_object('from', ${offset}::int, 'to', ${offset + limit - 1}::int)) AS messages
          FROM session_checkpoints WHERE id = ${input.checkpointId}::uuid`,
  );
  if (!row) return { total: 0, offset, messages: [] };
  const messages = typeof row.messages === 'string' ? (JSON.parse(row.messages) as unknown[]) : row.messages;
  return { total: row.total, offset, messages };
}

export {
  listRecoveries,
  listRecoveryFailures,
  recoveryStats,
  recoveryStatsByMethod,
  recoveryStatsOverTime,
  type RecoveryHistoryRow,
} from './recovery-queries';
