-- Hand-written (issue 18.5, growth): the Recoveries history (lib/checkpoints/recovery-queries.ts) walks
-- idx_checkpoint_recoveries_started and, for each of the ~51 rows of a page, looked up the session (project, agent
-- name) and the checkpoint (sequence) by primary key. Same plan and buffers at 100k and 1M sessions, but p50 ×2.35:
-- random probes into uuid indexes ten times larger. The recovery now carries what the list shows, so the page reads
-- one table and its cost no longer follows the number of sessions or checkpoints.
-- Kept by triggers, so no writer has to fill them and none can forget: a BEFORE row trigger copies them from the
-- session and the checkpoint on insert (INSERT … SELECT and COPY fire it too, so the seeds need nothing), and an
-- AFTER UPDATE trigger on agent_sessions follows a change of the session's project or agent name (no code path
-- makes one today; a plain UPDATE would). A checkpoint's sequence never changes: with session_id it is the
-- checkpoint's natural key (session_checkpoints_session_sequence_key) and nothing updates it.
ALTER TABLE "checkpoint_recoveries" ADD COLUMN "project" text, ADD COLUMN "agent_name" text, ADD COLUMN "checkpoint_sequence" integer;
--> statement-breakpoint
UPDATE "checkpoint_recoveries" r SET "project" = s."project", "agent_name" = s."agent_name", "checkpoint_sequence" = c."sequence"
  FROM "agent_sessions" s, "session_checkpoints" c
 WHERE s."id" = r."session_id" AND c."id" = r."checkpoint_id";
--> statement-breakpoint
-- Every recovery has its session and checkpoint (both foreign keys are NOT NULL), so every row was filled.
ALTER TABLE "checkpoint_recoveries" ALTER COLUMN "project" SET NOT NULL, ALTER COLUMN "agent_name" SET NOT NULL,
  ALTER COLUMN "checkpoint_sequence" SET NOT NULL;
--> statement-breakpoint
-- A missing session or checkpoint is reported as the foreign key violation it is: left NULL, the NOT NULL above
-- would fail first (it is checked before the foreign keys) with a message about a column the caller never wrote.
CREATE OR REPLACE FUNCTION fd_checkpoint_recoveries_denormalise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT s.project, s.agent_name INTO NEW.project, NEW.agent_name FROM agent_sessions s WHERE s.id = NEW.session_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'session % of the recovery does not exist', NEW.session_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  SELECT c.sequence INTO NEW.checkpoint_sequence FROM session_checkpoints c WHERE c.id = NEW.checkpoint_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'checkpoint % of the recovery does not exist', NEW.checkpoint_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS checkpoint_recoveries_denormalised ON "checkpoint_recoveries";
--> statement-breakpoint
CREATE TRIGGER checkpoint_recoveries_denormalised BEFORE INSERT OR UPDATE OF session_id, checkpoint_id ON "checkpoint_recoveries"
  FOR EACH ROW EXECUTE FUNCTION fd_checkpoint_recoveries_denormalise();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION fd_checkpoint_recoveries_session_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE checkpoint_recoveries SET project = NEW.project, agent_name = NEW.agent_name WHERE session_id = NEW.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- `UPDATE OF project, agent_name`: a heartbeat's UPDATE names neither column, so the trigger is not even
-- considered on the hot path (no BEFORE trigger on agent_sessions can change them behind the statement's back).
-- No index on agent_sessions is added: a sign of life stays a HOT update (drizzle/0018). The session's recoveries
-- are found through idx_checkpoint_recoveries_session.
DROP TRIGGER IF EXISTS agent_sessions_recovery_names ON "agent_sessions";
--> statement-breakpoint
CREATE TRIGGER agent_sessions_recovery_names AFTER UPDATE OF project, agent_name ON "agent_sessions"
  FOR EACH ROW WHEN (OLD.project IS DISTINCT FROM NEW.project OR OLD.agent_name IS DISTINCT FROM NEW.agent_name)
  EXECUTE FUNCTION fd_checkpoint_recoveries_session_names();
--> statement-breakpoint
-- The seeds' view shows the same project and agent name as the Recoveries page (the session join is gone; the
-- checkpoint join stays for checkpoint_type). Same columns, same types, same order: CREATE OR REPLACE keeps it.
CREATE OR REPLACE VIEW v_checkpoint_recovery_history AS
SELECT
  r.id,
  r.checkpoint_id,
  r.session_id,
  r.project,
  r.agent_name,
  r.checkpoint_sequence,
  c.checkpoint_type,
  r.recovery_method,
  r.recovery_status,
  r.started_at,
  r.completed_at,
  r.recovery_duration_seconds,
  r.initiated_by,
  r.error
FROM checkpoint_recoveries r
JOIN session_checkpoints c ON c.id = r.checkpoint_id
ORDER BY r.started_at DESC;
