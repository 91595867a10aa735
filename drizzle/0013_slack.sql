-- Hand-written (lib/db/schema/auth.ts, interventions.ts, notifications.ts, integrations.ts): Slack (issue 21).
-- A person's Slack member ID, so a button clicked in Slack acts as that Flightdeck user. One user per member ID.
ALTER TABLE "user" ADD COLUMN slack_user_id text;
--> statement-breakpoint
ALTER TABLE "user" ADD CONSTRAINT user_slack_user_id_key UNIQUE (slack_user_id);
--> statement-breakpoint
-- A notification rule may now post Block Kit messages to a Slack incoming webhook.
ALTER TABLE notification_preferences DROP CONSTRAINT notification_preferences_channel_check;
--> statement-breakpoint
ALTER TABLE notification_preferences ADD CONSTRAINT notification_preferences_channel_check CHECK (channel IN ('in_app', 'webhook', 'slack'));
--> statement-breakpoint
ALTER TABLE notification_preferences DROP CONSTRAINT notification_preferences_webhook_target;
--> statement-breakpoint
ALTER TABLE notification_preferences ADD CONSTRAINT notification_preferences_webhook_target CHECK (channel = 'in_app' OR target_url IS NOT NULL);
--> statement-breakpoint
-- The outbox row says how to send: 'webhook' (signed Flightdeck JSON) or 'slack' (Block Kit, unsigned, https only).
-- The fleet-wide Slack channel's rows have no preference (preference_id NULL).
ALTER TABLE notification_deliveries ADD COLUMN channel text NOT NULL DEFAULT 'webhook';
--> statement-breakpoint
ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_channel_check CHECK (channel IN ('webhook', 'slack'));
--> statement-breakpoint
-- Fleet-wide delivery log (Settings → Integrations).
CREATE INDEX idx_notification_deliveries_fleet ON notification_deliveries (created_at DESC) WHERE preference_id IS NULL;
--> statement-breakpoint
-- Settings → Integrations (admin): one row per setting, e.g. 'slack.webhook_url'.
CREATE TABLE integration_settings (
  key text PRIMARY KEY,
  value text NOT NULL,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
-- Slack request signatures already seen (replay store shared by every app instance); kept 10 minutes, twice
-- Slack's 5-minute timestamp window, then pruned by the next interaction.
CREATE TABLE slack_seen_requests (
  signature text PRIMARY KEY,
  seen_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX idx_slack_seen_requests_seen_at ON slack_seen_requests (seen_at);
