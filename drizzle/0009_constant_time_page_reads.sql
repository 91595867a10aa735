-- Hand-written (issue 18, item 3): what a page request reads no longer grows with the size of a table.
--
-- 1. paused_sessions.project: the session's project, copied in by a trigger when a pause is written (a session's
--    project never changes), so that the Interventions project filter counts open pauses from one partial index.
ALTER TABLE "paused_sessions" ADD COLUMN "project" text;
--> statement-breakpoint
UPDATE "paused_sessions" ps SET "project" = s."project" FROM "agent_sessions" s WHERE s."id" = ps."session_id";
--> statement-breakpoint
CREATE OR REPLACE FUNCTION fd_paused_sessions_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT s.project INTO NEW.project FROM agent_sessions s WHERE s.id = NEW.session_id;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER paused_sessions_project BEFORE INSERT OR UPDATE OF session_id ON "paused_sessions"
  FOR EACH ROW EXECUTE FUNCTION fd_paused_sessions_project();
--> statement-breakpoint
-- listActiveProjects (lib/interventions/queries.ts, every Interventions load): an index-only scan over the open
-- pauses, grouped by project; the rows it reads are the open pauses, however many sessions there are.
CREATE INDEX "idx_paused_sessions_open_project" ON "paused_sessions" ("project") WHERE NOT "resolved";
--> statement-breakpoint
-- 2. tool_users: per end user, tool runs in the last 30 UTC days (the sum of their tool_user_days rows), kept by
--    the roll-up refresh (lib/analytics/rollups.ts) for the users it touches, and wholly when the window moves on.
CREATE TABLE "tool_users" (
	"user_id" text PRIMARY KEY NOT NULL,
	"runs" integer NOT NULL
);
--> statement-breakpoint
-- listToolUsers (lib/tools/stats.ts, the Tools page's user picker): the first 200 users by runs, read in index order.
CREATE INDEX "idx_tool_users_runs" ON "tool_users" ("runs" DESC, "user_id");
--> statement-breakpoint
-- 3. rollup_state: one row, what the last roll-up refresh achieved. refreshed_at: the start of the last refresh
--    that left no marks behind (pages print "figures as of …"); tool_users_from: the first day tool_users counts.
CREATE TABLE "rollup_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL CHECK ("id" = 1),
	"refreshed_at" timestamp with time zone,
	"tool_users_from" date
);
--> statement-breakpoint
INSERT INTO "rollup_state" ("id") VALUES (1);
