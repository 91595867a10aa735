-- Hand-written (issue 19: heartbeat watchdog, budgets, usage roll-ups). lib/db/schema/settings.ts, sessions.ts,
-- analytics.ts.
-- Per-project settings people change in Settings → Projects (admin). NULL = the built-in default (the
-- HEARTBEAT_TIMEOUT_S environment variable; no budget). A general home for per-project policy.
CREATE TABLE project_settings (
  project text PRIMARY KEY,
  heartbeat_timeout_s integer,
  session_budget_cost_usd numeric(18, 6),
  session_budget_tokens bigint,
  daily_budget_cost_usd numeric(18, 6),
  daily_budget_tokens bigint,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text,
  CONSTRAINT project_settings_positive CHECK (
    (heartbeat_timeout_s IS NULL OR heartbeat_timeout_s > 0)
    AND (session_budget_cost_usd IS NULL OR session_budget_cost_usd > 0)
    AND (session_budget_tokens IS NULL OR session_budget_tokens > 0)
    AND (daily_budget_cost_usd IS NULL OR daily_budget_cost_usd > 0)
    AND (daily_budget_tokens IS NULL OR daily_budget_tokens > 0))
);
--> statement-breakpoint
-- A session's own budget, given when it is created (NULL: the project's per-session default applies).
ALTER TABLE agent_sessions ADD COLUMN budget_cost_usd numeric(18, 6);
--> statement-breakpoint
ALTER TABLE agent_sessions ADD COLUMN budget_tokens bigint;
--> statement-breakpoint
ALTER TABLE agent_sessions ADD CONSTRAINT agent_sessions_budget_positive
  CHECK ((budget_cost_usd IS NULL OR budget_cost_usd > 0) AND (budget_tokens IS NULL OR budget_tokens > 0));
--> statement-breakpoint
-- The watchdog: running sessions, oldest sign of life first.
CREATE INDEX idx_agent_sessions_running_heartbeat ON agent_sessions (last_heartbeat_at) WHERE status = 'running';
--> statement-breakpoint
-- Usage per project and hour / UTC day (lib/analytics/rollups.ts), marked by the trigger below.
CREATE TABLE usage_hours (
  hour timestamptz NOT NULL,
  project text NOT NULL,
  reports integer NOT NULL,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cost_usd double precision NOT NULL,
  CONSTRAINT usage_hours_pkey PRIMARY KEY (hour, project)
);
--> statement-breakpoint
CREATE TABLE usage_days (
  day timestamptz NOT NULL,
  project text NOT NULL,
  reports integer NOT NULL,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cost_usd double precision NOT NULL,
  CONSTRAINT usage_days_pkey PRIMARY KEY (day, project)
);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION rollup_mark_usage() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (kind, hour) SELECT DISTINCT 'usage', fd_hour(created_at) FROM new_rows;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (kind, hour) SELECT DISTINCT 'usage', fd_hour(created_at) FROM old_rows;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER usage_records_rollup_ins AFTER INSERT ON usage_records
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_usage();
--> statement-breakpoint
CREATE TRIGGER usage_records_rollup_upd AFTER UPDATE ON usage_records
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_usage();
--> statement-breakpoint
CREATE TRIGGER usage_records_rollup_del AFTER DELETE ON usage_records
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_usage();
--> statement-breakpoint
-- Usage already stored: its hours are computed by the next refresh.
INSERT INTO rollup_dirty (kind, hour) SELECT DISTINCT 'usage', fd_hour(created_at) FROM usage_records;
