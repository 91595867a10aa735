import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { agentSessions } from './sessions';

export const userToolHistory = pgTable(
  'user_tool_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // Client-supplied id: a replayed tool execution is applied once.
    executionId: uuid('execution_id').notNull().defaultRandom().unique('user_tool_history_execution_id_key'),
    // The agent's end user (not a console user).
    userId: text('user_id').notNull(),
    toolName: text('tool_name').notNull(),
    success: boolean('success').notNull(),
    executionTimeMs: integer('execution_time_ms').notNull().default(0),
    errorMessage: text('error_message'),
    // Tool history outlives pruned sessions.
    sessionId: uuid('session_id').references(() => agentSessions.id, { onDelete: 'set null' }),
    context: jsonb('context').$type<Record<string, unknown>>().notNull().default({}),
    userSatisfaction: smallint('user_satisfaction'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'user_tool_history_satisfaction_check',
      sql`${t.userSatisfaction} IS NULL OR ${t.userSatisfaction} BETWEEN 1 AND 5`,
    ),
    check('user_tool_history_time_check', sql`${t.executionTimeMs} >= 0`),
    index('idx_user_tool_history_user_id').on(t.userId),
    index('idx_user_tool_history_tool_name').on(t.toolName),
    index('idx_user_tool_history_success').on(t.success),
    index('idx_user_tool_history_created_at').on(t.createdAt.desc()),
    // Per-user history and preference (user, recent first).
    index('idx_user_tool_history_user_created').on(t.userId, t.createdAt.desc()),
    // (idx_user_tool_history_metrics, for the raw per-tool statistics, was dropped in drizzle/0003: the statistics
    // read the roll-up tool_execution_hours, and failures by tool have their partial index below.)
    // Tools page "recent failures", newest first, keyset on (created_at, id): all, by tool, by user.
    index('idx_user_tool_history_failures').on(t.createdAt.desc(), t.id.desc()).where(sql`NOT ${t.success}`),
    index('idx_user_tool_history_failures_tool')
      .on(t.toolName, t.createdAt.desc(), t.id.desc())
      .where(sql`NOT ${t.success}`),
    index('idx_user_tool_history_failures_user')
      .on(t.userId, t.createdAt.desc(), t.id.desc())
      .where(sql`NOT ${t.success}`),
  ],
);

export type UserToolExecution = typeof userToolHistory.$inferSelect;
export type NewUserToolExecution = typeof userToolHistory.$inferInsert;
