import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth';
import { deploymentChecklists } from './checklists';
import { pausedSessions, notificationPreferences } from './interventions';

/** In-app notifications: the badge and the list. */
export const notifications = pgTable(
  'notifications',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    pausedSessionId: uuid('paused_session_id').references(() => pausedSessions.id, { onDelete: 'cascade' }),
    // A release gate waiting on the person's sign-off role.
    checklistId: uuid('checklist_id').references(() => deploymentChecklists.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    body: text('body'),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Unread badge count per user.
    index('idx_notifications_user_unread').on(t.userId, t.createdAt.desc()).where(sql`${t.readAt} IS NULL`),
    index('idx_notifications_user').on(t.userId, t.createdAt.desc()),
  ],
);

/** Durable webhook outbox and its delivery log: workers claim due rows with FOR UPDATE SKIP LOCKED. */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    preferenceId: uuid('preference_id').references(() => notificationPreferences.id, { onDelete: 'cascade' }),
    pausedSessionId: uuid('paused_session_id').references(() => pausedSessions.id, { onDelete: 'cascade' }),
    targetUrl: text('target_url').notNull(),
    payload: jsonb('payload').notNull(),
    status: text('status').notNull().default('pending'),
    // 'webhook': signed Flightdeck JSON; 'slack': Block Kit to a Slack incoming webhook (https only, unsigned).
    channel: text('channel', { enum: ['webhook', 'slack'] }).notNull().default('webhook'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('notification_deliveries_status_check', sql`${t.status} IN ('pending', 'delivered', 'failed')`),
    check('notification_deliveries_channel_check', sql`${t.channel} IN ('webhook', 'slack')`),
    // The worker's claim query: due pending deliveries.
    index('idx_notification_deliveries_due').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('idx_notification_deliveries_created').on(t.createdAt.desc()),
    index('idx_notification_deliveries_fleet').on(t.createdAt.desc()).where(sql`${t.preferenceId} IS NULL`),
  ],
);
