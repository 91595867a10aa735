import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Settings → Integrations (admin), one row per key, e.g. 'slack.webhook_url' (migration 0013). */
export const integrationSettings = pgTable('integration_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Slack request signatures already seen: the replay store every app instance shares (pruned after 10 minutes). */
export const slackSeenRequests = pgTable(
  'slack_seen_requests',
  {
    signature: text('signature').primaryKey(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('idx_slack_seen_requests_seen_at').on(t.seenAt)],
);
