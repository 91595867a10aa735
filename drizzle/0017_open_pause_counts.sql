-- Hand-written (issue 18.5, growth): the console asks "how many open pauses, per project" on every page view (the
-- sidebar badge, the live summary, the Interventions filter). Counted from paused_sessions that grows with the open
-- pauses (40k at xlarge: 20–35 ms, ×4–9 the large set). open_pause_counts keeps the answer, one row per project,
-- maintained by a row trigger in the same transaction as the pause's insert / resolution / delete, so it is never
-- ahead of or behind what a reader of paused_sessions would count (a reader sees both or neither).
CREATE TABLE IF NOT EXISTS "open_pause_counts" (
  "project" text PRIMARY KEY,
  "n" integer NOT NULL DEFAULT 0 CHECK ("n" >= 0)
);
--> statement-breakpoint
INSERT INTO "open_pause_counts" ("project", "n")
  SELECT "project", count(*)::int FROM "paused_sessions" WHERE NOT "resolved" GROUP BY "project"
  ON CONFLICT ("project") DO UPDATE SET "n" = excluded."n";
--> statement-breakpoint
CREATE OR REPLACE FUNCTION fd_open_pause_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM open_pause_counts;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND NOT OLD.resolved
     AND (TG_OP = 'DELETE' OR NEW.resolved OR NEW.project IS DISTINCT FROM OLD.project) THEN
    UPDATE open_pause_counts SET n = n - 1 WHERE project = OLD.project;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NOT NEW.resolved
     AND (TG_OP = 'INSERT' OR OLD.resolved OR NEW.project IS DISTINCT FROM OLD.project) THEN
    INSERT INTO open_pause_counts AS c (project, n) VALUES (NEW.project, 1)
      ON CONFLICT (project) DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS trg_open_pause_count ON "paused_sessions";
--> statement-breakpoint
CREATE TRIGGER trg_open_pause_count AFTER INSERT OR DELETE ON "paused_sessions"
  FOR EACH ROW EXECUTE FUNCTION fd_open_pause_count();
--> statement-breakpoint
-- Not `UPDATE OF resolved, project`: that fires only when the statement names the column, and ps.project also
-- changes through the BEFORE trigger of drizzle/0009 when a pause moves to another session.
DROP TRIGGER IF EXISTS trg_open_pause_count_update ON "paused_sessions";
--> statement-breakpoint
CREATE TRIGGER trg_open_pause_count_update AFTER UPDATE ON "paused_sessions"
  FOR EACH ROW WHEN (OLD.resolved IS DISTINCT FROM NEW.resolved OR OLD.project IS DISTINCT FROM NEW.project)
  EXECUTE FUNCTION fd_open_pause_count();
--> statement-breakpoint
DROP TRIGGER IF EXISTS trg_open_pause_count_truncate ON "paused_sessions";
--> statement-breakpoint
CREATE TRIGGER trg_open_pause_count_truncate AFTER TRUNCATE ON "paused_sessions"
  FOR EACH STATEMENT EXECUTE FUNCTION fd_open_pause_count();
--> statement-breakpoint
-- The inbox's "escalated" badge (EXISTS … action = 'escalated') was planned as one hashed scan of every
-- intervention action (360k at xlarge: 160 ms); escalations are few, and this index holds only them.
CREATE INDEX IF NOT EXISTS "idx_intervention_actions_escalated" ON "intervention_actions" ("paused_session_id")
  WHERE "action" = 'escalated';
