-- Hand-written (issue 18, pages at 10 readers): Overview's "Time to first human action" read every pause started in
-- the range and, per pause, its first action by a person (percentile_cont over the raw rows) on every view: 138 ms of
-- Postgres per view on the large data set, growing with the fleet, and the reason Overview waited (10 readers: 168 ms
-- of Postgres CPU per view, p50 1.1 s). It now comes from the pause roll-up like the median time to resume: per hour
-- of pause start and pause type, how many pauses a person acted on (`acted`) and a log2 histogram of the seconds
-- from the pause to that first action (`first_action_buckets`, lib/analytics/histogram.ts), summed over any range.
ALTER TABLE "intervention_hours" ADD COLUMN IF NOT EXISTS "acted" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "intervention_hours" ADD COLUMN IF NOT EXISTS "first_action_buckets" integer[] DEFAULT array_fill(0, ARRAY[20]) NOT NULL;
--> statement-breakpoint
ALTER TABLE "intervention_days" ADD COLUMN IF NOT EXISTS "acted" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "intervention_days" ADD COLUMN IF NOT EXISTS "first_action_buckets" integer[] DEFAULT array_fill(0, ARRAY[20]) NOT NULL;
--> statement-breakpoint
-- A person's action on a pause can change its hour's figures (the first one sets the wait): mark the hour the pause
-- started in, as rollup_mark_pauses (drizzle/0001) marks the hours a pause touches. Agent and system rows do not count.
CREATE OR REPLACE FUNCTION rollup_mark_pause_actions() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO rollup_dirty (kind, hour)
      SELECT DISTINCT 'pause', fd_hour(ps.paused_at) FROM new_rows a JOIN paused_sessions ps ON ps.id = a.paused_session_id
      WHERE a.actor_type = 'user';
  ELSE
    INSERT INTO rollup_dirty (kind, hour)
      SELECT DISTINCT 'pause', fd_hour(ps.paused_at) FROM old_rows a JOIN paused_sessions ps ON ps.id = a.paused_session_id
      WHERE a.actor_type = 'user';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DROP TRIGGER IF EXISTS intervention_actions_rollup_ins ON intervention_actions;
--> statement-breakpoint
CREATE TRIGGER intervention_actions_rollup_ins AFTER INSERT ON intervention_actions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_pause_actions();
--> statement-breakpoint
DROP TRIGGER IF EXISTS intervention_actions_rollup_del ON intervention_actions;
--> statement-breakpoint
CREATE TRIGGER intervention_actions_rollup_del AFTER DELETE ON intervention_actions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_pause_actions();
--> statement-breakpoint
-- The hours rolled up before this migration get the new figures from the next refresh (the background job).
INSERT INTO rollup_dirty (kind, hour) SELECT DISTINCT 'pause', fd_hour(paused_at) FROM paused_sessions;
