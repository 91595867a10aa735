import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { actorTypes, interventionActionTypes, inList, notificationChannels, pauseTypes, resolutions } from './enums';
import { sessionIdColumn } from './sessions';
import { sessionCheckpoints } from './checkpoints';
import { user } from './auth';

export type PauseContext = {
  last_error?: string;
  recent_tool_calls?: Array<{ tool: string; success?: boolean; error?: string; at?: string }>;
  [key: string]: unknown;
};

export const pausedSessions = pgTable(
  'paused_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // A pause belongs to its session: deleting a session removes its pauses and their trail.
    sessionId: sessionIdColumn(),
    reason: text('reason').notNull(),
    pauseType: text('pause_type', { enum: pauseTypes }).notNull(),
    currentTask: text('current_task'),
    context: jsonb('context').$type<PauseContext>().notNull().default({}),
    // The checkpoint the agent took just before pausing, if any; kept out of retention while open.
    checkpointId: uuid('checkpoint_id').references(() => sessionCheckpoints.id, { onDelete: 'set null' }),
    pausedAt: timestamp('paused_at', { withTimezone: true }).notNull().defaultNow(),
    resolved: boolean('resolved').notNull().default(false),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: text('resolved_by'),
    resolution: text('resolution', { enum: resolutions }),
    resolutionNote: text('resolution_note'),
    // When the agent's control call received the resume/abort decision (at-least-once delivery bookkeeping).
    decisionDeliveredAt: timestamp('decision_delivered_at', { withTimezone: true }),
    assignedTo: text('assigned_to'),
    assignedAt: timestamp('assigned_at', { withTimezone: true }),
    // The session's project, filled in by a trigger (drizzle/0009): the Interventions project filter's index.
    project: text('project'),
  },
  (t) => [
    check('paused_sessions_pause_type_check', sql.raw(`pause_type IN (${inList(pauseTypes)})`)),
    check(
      'paused_sessions_resolution_check',
      sql.raw(`resolution IS NULL OR resolution IN (${inList(resolutions)})`),
    ),
    // resolved, resolved_at and resolution move together.
    check(
      'paused_sessions_resolved_consistent',
      sql`(${t.resolved} AND ${t.resolvedAt} IS NOT NULL AND ${t.resolution} IS NOT NULL) OR (NOT ${t.resolved} AND ${t.resolvedAt} IS NULL AND ${t.resolution} IS NULL)`,
    ),
    // At most one open pause per session: the race guard behind "pause" and the lookup behind control.
    uniqueIndex('paused_sessions_one_open_per_session').on(t.sessionId).where(sql`NOT ${t.resolved}`),
    // v_active_interventions: open pauses, oldest first.
    index('idx_paused_sessions_active').on(t.pausedAt).where(sql`NOT ${t.resolved}`),
    // v_intervention_history: newest first, keyset on (paused_at, id).
    index('idx_paused_sessions_paused_at').on(t.pausedAt.desc(), t.id.desc()),
    index('idx_paused_sessions_session').on(t.sessionId, t.pausedAt.desc()),
    // listActiveProjects: open pauses per project, index-only (drizzle/0009).
    index('idx_paused_sessions_open_project').on(t.project).where(sql`NOT ${t.resolved}`),
  ],
);

export const interventionActions = pgTable(
  'intervention_actions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    pausedSessionId: uuid('paused_session_id')
      .notNull()
      .references(() => pausedSessions.id, { onDelete: 'cascade' }),
    sessionId: sessionIdColumn(),
    action: text('action', { enum: interventionActionTypes }).notNull(),
    actor: text('actor').notNull(),
    actorType: text('actor_type', { enum: actorTypes }).notNull().default('user'),
    note: text('note'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('intervention_actions_action_check', sql.raw(`action IN (${inList(interventionActionTypes)})`)),
    check('intervention_actions_actor_type_check', sql.raw(`actor_type IN (${inList(actorTypes)})`)),
    // A pause's trail in order (history page, session timeline).
    index('idx_intervention_actions_pause').on(t.pausedSessionId, t.createdAt),
    index('idx_intervention_actions_session').on(t.sessionId, t.createdAt),
    // The inbox's "escalated" badge: only the escalations (drizzle/0017).
    index('idx_intervention_actions_escalated').on(t.pausedSessionId).where(sql`${t.action} = 'escalated'`),
  ],
);

/**
 * Open pauses per project, kept by a row trigger on paused_sessions in the pause's own transaction (drizzle/0017):
 * the sidebar badge, the live summary and the Interventions project filter read it instead of counting the pauses.
 */
export const openPauseCounts = pgTable('open_pause_counts', {
  project: text('project').primaryKey(),
  n: integer('n').notNull().default(0),
});

export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: notificationChannels }).notNull(),
    targetUrl: text('target_url'),
    // Per-endpoint HMAC secret for Flightdeck-Signature, AES-256-GCM encrypted (lib/interventions/webhook-signing.ts).
    secretCiphertext: text('secret_ciphertext'),
    // Plaintext secret of a rule saved before migration 0005; encrypted into secret_ciphertext and cleared by the
    // delivery worker's first run (encryptLegacyWebhookSecrets). Always NULL for rules saved since.
    legacySecret: text('legacy_secret'),
    pauseTypes: text('pause_types').array().notNull().default(sql`'{}'::text[]`),
    projects: text('projects').array().notNull().default(sql`'{}'::text[]`),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('notification_preferences_channel_check', sql.raw(`channel IN (${inList(notificationChannels)})`)),
    check(
      'notification_preferences_webhook_target',
      sql`${t.channel} = 'in_app' OR ${t.targetUrl} IS NOT NULL`,
    ),
    index('idx_notification_preferences_user').on(t.userId),
  ],
);

export type PausedSession = typeof pausedSessions.$inferSelect;
export type NewPausedSession = typeof pausedSessions.$inferInsert;
export type InterventionAction = typeof interventionActions.$inferSelect;
export type NewInterventionAction = typeof interventionActions.$inferInsert;
export type NotificationPreference = typeof notificationPreferences.$inferSelect;
