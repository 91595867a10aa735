import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { checkpointTypes, inList, recoveryMethods, recoveryStatuses } from './enums';
import { sessionIdColumn } from './sessions';

export const sessionCheckpoints = pgTable(
  'session_checkpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: sessionIdColumn(),
    sequence: integer('sequence').notNull(),
    checkpointType: text('checkpoint_type', { enum: checkpointTypes }).notNull(),
    conversationHistory: jsonb('conversation_history').$type<unknown[]>().notNull(),
    currentTaskId: text('current_task_id'),
    messageCount: integer('message_count').notNull().default(0),
    completedTasks: jsonb('completed_tasks').$type<string[]>().notNull().default([]),
    metricsSnapshot: jsonb('metrics_snapshot').$type<Record<string, unknown>>().notNull().default({}),
    sizeBytes: integer('size_bytes').notNull().default(0),
    contentHash: text('content_hash'),
    isValid: boolean('is_valid').notNull().default(true),
    invalidatedAt: timestamp('invalidated_at', { withTimezone: true }),
    invalidationReason: text('invalidation_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // Restore with edits (0015): the checkpoint this edited state was forked from, and who edited it.
    forkedFrom: uuid('forked_from').references((): AnyPgColumn => sessionCheckpoints.id, { onDelete: 'set null' }),
    createdBy: text('created_by'),
  },
  (t) => [
    check('session_checkpoints_type_check', sql.raw(`checkpoint_type IN (${inList(checkpointTypes)})`)),
    check('session_checkpoints_sequence_check', sql`${t.sequence} >= 1`),
    check(
      'session_checkpoints_invalid_consistent',
      sql`${t.isValid} = (${t.invalidatedAt} IS NULL)`,
    ),
    // Natural key: a replayed checkpoint create cannot duplicate; also serves "latest per session".
    uniqueIndex('session_checkpoints_session_sequence_key').on(t.sessionId, t.sequence),
    index('idx_session_checkpoints_created').on(t.createdAt.desc()),
  ],
);

export const checkpointRecoveries = pgTable(
  'checkpoint_recoveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // NO ACTION: a checkpoint with recovery history cannot be pruned on its own, only with its session.
    checkpointId: uuid('checkpoint_id')
      .notNull()
      .references(() => sessionCheckpoints.id),
    sessionId: sessionIdColumn(),
    pausedSessionId: uuid('paused_session_id'),
    recoveryMethod: text('recovery_method', { enum: recoveryMethods }).notNull().default('manual'),
    recoveryStatus: text('recovery_status', { enum: recoveryStatuses }).notNull().default('in_progress'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    recoveryDurationSeconds: numeric('recovery_duration_seconds', { precision: 12, scale: 3, mode: 'number' }),
    initiatedBy: text('initiated_by'),
    // "Restore with edits": changes applied to the state before the agent receives it.
    modifications: jsonb('modifications').$type<{ currentTask?: string; instruction?: string }>(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    error: text('error'),
    // What the Recoveries history shows, copied from the session and the checkpoint by triggers (drizzle/0019) so
    // the page reads this table alone. NOT NULL, yet no writer sets them: the BEFORE INSERT trigger fills them
    // before the constraint is checked. `.default(sql`NULL`)` is the column's real default (none) and what makes
    // Drizzle leave them out of an insert's required fields.
    project: text('project').notNull().default(sql`NULL`),
    agentName: text('agent_name').notNull().default(sql`NULL`),
    checkpointSequence: integer('checkpoint_sequence').notNull().default(sql`NULL`),
  },
  (t) => [
    check('checkpoint_recoveries_method_check', sql.raw(`recovery_method IN (${inList(recoveryMethods)})`)),
    check('checkpoint_recoveries_status_check', sql.raw(`recovery_status IN (${inList(recoveryStatuses)})`)),
    check(
      'checkpoint_recoveries_completed_consistent',
      sql`(${t.recoveryStatus} = 'in_progress') = (${t.completedAt} IS NULL)`,
    ),
    // One recovery in progress per session: concurrent restores get one winner.
    uniqueIndex('checkpoint_recoveries_one_in_progress')
      .on(t.sessionId)
      .where(sql`${t.recoveryStatus} = 'in_progress'`),
    // Recoveries page and charts: newest first.
    index('idx_checkpoint_recoveries_started').on(t.startedAt.desc(), t.id.desc()),
    // "Latest failures" and the history's status filter read their own index, not the newest of every status
    // (drizzle/0020).
    index('idx_checkpoint_recoveries_failures')
      .on(t.startedAt.desc(), t.id.desc())
      .where(sql`${t.recoveryStatus} IN ('failed', 'abandoned')`),
    index('idx_checkpoint_recoveries_status_started').on(t.recoveryStatus, t.startedAt.desc(), t.id.desc()),
    index('idx_checkpoint_recoveries_checkpoint').on(t.checkpointId),
    index('idx_checkpoint_recoveries_session').on(t.sessionId, t.startedAt.desc()),
  ],
);

export type SessionCheckpoint = typeof sessionCheckpoints.$inferSelect;
export type NewSessionCheckpoint = typeof sessionCheckpoints.$inferInsert;
export type CheckpointRecovery = typeof checkpointRecoveries.$inferSelect;
export type NewCheckpointRecovery = typeof checkpointRecoveries.$inferInsert;
