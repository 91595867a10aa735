import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sessionCheckpoints } from './checkpoints';
import { pausedSessions } from './interventions';
import { agentSessions } from './sessions';

/** Four-eyes restores per project (0015): off unless a row says on. */
export const projectRestorePolicy = pgTable('project_restore_policy', {
  project: text('project').primaryKey(),
  fourEyes: boolean('four_eyes').notNull().default(false),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const restoreRequestStatuses = ['pending', 'approved', 'rejected'] as const;

/** A restore in a four-eyes project, waiting for a second engineer. One pending request per session. */
export const restoreRequests = pgTable(
  'restore_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => agentSessions.id, { onDelete: 'cascade' }),
    pausedSessionId: uuid('paused_session_id').references(() => pausedSessions.id, { onDelete: 'cascade' }),
    checkpointId: uuid('checkpoint_id')
      .notNull()
      .references(() => sessionCheckpoints.id, { onDelete: 'cascade' }),
    requestedById: text('requested_by_id').notNull(),
    requestedBy: text('requested_by').notNull(),
    note: text('note'),
    status: text('status', { enum: restoreRequestStatuses }).notNull().default('pending'),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    recoveryId: uuid('recovery_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('restore_requests_status_check', sql`${t.status} IN ('pending', 'approved', 'rejected')`),
    check('restore_requests_decided_consistent', sql`(${t.status} = 'pending') = (${t.decidedAt} IS NULL)`),
    uniqueIndex('restore_requests_one_pending').on(t.sessionId).where(sql`${t.status} = 'pending'`),
    index('idx_restore_requests_pause').on(t.pausedSessionId),
  ],
);

export type RestoreRequest = typeof restoreRequests.$inferSelect;
