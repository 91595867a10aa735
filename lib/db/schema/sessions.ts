import { sql } from 'drizzle-orm';
import { bigint, check, index, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { inList, sessionStatuses } from './enums';

export const agentSessions = pgTable(
  'agent_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    project: text('project').notNull(),
    agentName: text('agent_name').notNull(),
    externalId: text('external_id'),
    status: text('status', { enum: sessionStatuses }).notNull().default('running'),
    currentTask: text('current_task'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    // Last sign of life: a heartbeat or any agent API call about the session (lib/interventions/liveness.ts).
    lastHeartbeatAt: timestamp('last_heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
    // The session's own budget (drizzle/0011); NULL: the project's per-session default applies.
    budgetCostUsd: numeric('budget_cost_usd', { precision: 18, scale: 6, mode: 'number' }),
    budgetTokens: bigint('budget_tokens', { mode: 'number' }),
  },
  // drizzle/0018 sets fillfactor 80 (room on each page for a row's next version; Drizzle's table builder has no
  // storage parameters).
  (t) => [
    check('agent_sessions_status_check', sql.raw(`status IN (${inList(sessionStatuses)})`)),
    check('agent_sessions_ended_check', sql`${t.endedAt} IS NULL OR ${t.endedAt} >= ${t.startedAt}`),
    // Agents create sessions idempotently by (project, external id).
    uniqueIndex('agent_sessions_project_external_id_key').on(t.project, t.externalId),
    // Sessions list: newest first, keyset on (started_at, id).
    index('idx_agent_sessions_started').on(t.startedAt.desc(), t.id.desc()),
    // Sessions list filtered by status (and the Overview's "active sessions" KPI).
    index('idx_agent_sessions_status_started').on(t.status, t.startedAt.desc()),
    index('idx_agent_sessions_project_started').on(t.project, t.startedAt.desc()),
    // Sessions list: search by external id across projects (the unique key leads with project).
    index('idx_agent_sessions_external_id').on(t.externalId),
    check(
      'agent_sessions_budget_positive',
      sql`(${t.budgetCostUsd} IS NULL OR ${t.budgetCostUsd} > 0) AND (${t.budgetTokens} IS NULL OR ${t.budgetTokens} > 0)`,
    ),
    // No index may cover last_heartbeat_at: a sign of life (hundreds a second) stays a HOT update (drizzle/0018).
  ],
);

/** A row that belongs to its session: deleting the session deletes it. */
export const sessionIdColumn = () =>
  uuid('session_id')
    .notNull()
    .references(() => agentSessions.id, { onDelete: 'cascade' });

export type AgentSession = typeof agentSessions.$inferSelect;
export type NewAgentSession = typeof agentSessions.$inferInsert;
