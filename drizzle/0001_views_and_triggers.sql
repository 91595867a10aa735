-- Hand-written: the seeds' monitoring views (names and columns kept so operators' SQL runs unchanged)
-- and the append-only guard on audit_log. None of the views selects conversation_history: it can be megabytes.

-- Open pauses, oldest first, with what an engineer needs to decide (Interventions page, seeds' monitoring).
CREATE OR REPLACE VIEW v_active_interventions AS
SELECT
  ps.id,
  ps.session_id,
  s.project,
  s.agent_name,
  s.external_id,
  ps.reason,
  ps.pause_type,
  ps.current_task,
  ps.context,
  ps.context->>'last_error' AS last_error,
  ps.checkpoint_id,
  ps.paused_at,
  ps.assigned_to,
  ps.assigned_at,
  now() - ps.paused_at AS paused_duration
FROM paused_sessions ps
JOIN agent_sessions s ON s.id = ps.session_id
WHERE NOT ps.resolved
ORDER BY ps.paused_at ASC;
--> statement-breakpoint

-- Every pause with its outcome and time to resolution (Interventions history, seeds' audit trail).
CREATE OR REPLACE VIEW v_intervention_history AS
SELECT
  ps.id,
  ps.session_id,
  s.project,
  s.agent_name,
  ps.reason,
  ps.pause_type,
  ps.current_task,
  ps.paused_at,
  ps.resolved,
  ps.resolved_at,
  ps.resolved_by,
  ps.resolution,
  ps.resolution_note,
  ps.resolved_at - ps.paused_at AS time_to_resolution,
  EXTRACT(EPOCH FROM (ps.resolved_at - ps.paused_at))::double precision AS resolution_seconds,
  (SELECT count(*) FROM intervention_actions ia WHERE ia.paused_session_id = ps.id) AS action_count
FROM paused_sessions ps
JOIN agent_sessions s ON s.id = ps.session_id
ORDER BY ps.paused_at DESC;
--> statement-breakpoint

-- The most recent checkpoint of each session (served by session_checkpoints_session_sequence_key).
CREATE OR REPLACE VIEW v_latest_checkpoints AS
SELECT DISTINCT ON (c.session_id)
  c.id,
  c.session_id,
  s.project,
  s.agent_name,
  s.status AS session_status,
  c.sequence,
  c.checkpoint_type,
  c.current_task_id,
  c.message_count,
  c.completed_tasks,
  c.metrics_snapshot,
  c.size_bytes,
  c.is_valid,
  c.created_at
FROM session_checkpoints c
JOIN agent_sessions s ON s.id = c.session_id
ORDER BY c.session_id, c.sequence DESC;
--> statement-breakpoint

-- Valid checkpoints of sessions that can still be recovered; latest first per session (rank 1 = default choice).
CREATE OR REPLACE VIEW v_resumable_checkpoints AS
SELECT
  c.id,
  c.session_id,
  s.project,
  s.agent_name,
  s.status AS session_status,
  c.sequence,
  c.checkpoint_type,
  c.current_task_id,
  c.message_count,
  c.completed_tasks,
  c.size_bytes,
  c.created_at,
  row_number() OVER (PARTITION BY c.session_id ORDER BY c.sequence DESC) AS recency_rank
FROM session_checkpoints c
JOIN agent_sessions s ON s.id = c.session_id
WHERE c.is_valid
  AND s.status IN ('running', 'paused', 'recovering', 'failed');
--> statement-breakpoint

-- Recovery attempts with their checkpoint and session (Recoveries page, seeds' recovery success SQL).
CREATE OR REPLACE VIEW v_checkpoint_recovery_history AS
SELECT
  r.id,
  r.checkpoint_id,
  r.session_id,
  s.project,
  s.agent_name,
  c.sequence AS checkpoint_sequence,
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
JOIN agent_sessions s ON s.id = r.session_id
ORDER BY r.started_at DESC;
--> statement-breakpoint

-- audit_log is append-only: corrections are new rows, never edits.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = '42501';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint

-- Roll-ups (lib/analytics/rollups.ts, tables in lib/db/schema/analytics.ts). Every write to a source table
-- records the UTC hours it touched in rollup_dirty, in the writer's own transaction; the refresh job deletes
-- the committed marks and recomputes those hours from the raw rows. Statement-level triggers with transition
-- tables add one small insert per statement (not per row) and no lock on a shared counter row, so concurrent
-- ingest never queues or deadlocks on a roll-up row. Deletes are marked too: roll-ups always equal the raw rows.
CREATE OR REPLACE FUNCTION fd_hour(ts timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT date_bin('1 hour', ts, timestamptz '2000-01-01 00:00:00+00') $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION fd_day(ts timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT date_bin('1 day', ts, timestamptz '2000-01-01 00:00:00+00') $$;
--> statement-breakpoint
-- Fixed log2 histogram bucket 0..19 of a duration (lib/analytics/histogram.ts has the same bounds).
CREATE OR REPLACE FUNCTION fd_log2_bucket(x double precision) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT width_bucket(x, '{2,4,8,16,32,64,128,256,512,1024,2048,4096,8192,16384,32768,65536,131072,262144,524288}'::float8[]) $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION rollup_mark_tool_history() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (kind, hour) SELECT DISTINCT 'tool', fd_hour(created_at) FROM new_rows;
    INSERT INTO rollup_dirty (kind, hour, user_id) SELECT DISTINCT 'tool_user_day', fd_day(created_at), user_id FROM new_rows;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (kind, hour) SELECT DISTINCT 'tool', fd_hour(created_at) FROM old_rows;
    INSERT INTO rollup_dirty (kind, hour, user_id) SELECT DISTINCT 'tool_user_day', fd_day(created_at), user_id FROM old_rows;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER user_tool_history_rollup_ins AFTER INSERT ON user_tool_history
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_tool_history();
--> statement-breakpoint
CREATE TRIGGER user_tool_history_rollup_upd AFTER UPDATE ON user_tool_history
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_tool_history();
--> statement-breakpoint
CREATE TRIGGER user_tool_history_rollup_del AFTER DELETE ON user_tool_history
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_tool_history();
--> statement-breakpoint
-- A pause counts in the hour it started and, once resolved, its resolution in the hour it was resolved.
CREATE OR REPLACE FUNCTION rollup_mark_pauses() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (kind, hour)
      SELECT DISTINCT 'pause', h FROM new_rows, LATERAL (VALUES (fd_hour(paused_at)), (fd_hour(resolved_at))) v(h) WHERE h IS NOT NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (kind, hour)
      SELECT DISTINCT 'pause', h FROM old_rows, LATERAL (VALUES (fd_hour(paused_at)), (fd_hour(resolved_at))) v(h) WHERE h IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER paused_sessions_rollup_ins AFTER INSERT ON paused_sessions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_pauses();
--> statement-breakpoint
CREATE TRIGGER paused_sessions_rollup_upd AFTER UPDATE ON paused_sessions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_pauses();
--> statement-breakpoint
CREATE TRIGGER paused_sessions_rollup_del AFTER DELETE ON paused_sessions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_pauses();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION rollup_mark_recoveries() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (kind, hour) SELECT DISTINCT 'recovery', fd_hour(started_at) FROM new_rows;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (kind, hour) SELECT DISTINCT 'recovery', fd_hour(started_at) FROM old_rows;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER checkpoint_recoveries_rollup_ins AFTER INSERT ON checkpoint_recoveries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_recoveries();
--> statement-breakpoint
CREATE TRIGGER checkpoint_recoveries_rollup_upd AFTER UPDATE ON checkpoint_recoveries
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_recoveries();
--> statement-breakpoint
CREATE TRIGGER checkpoint_recoveries_rollup_del AFTER DELETE ON checkpoint_recoveries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_recoveries();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION rollup_mark_retries() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (kind, hour) SELECT DISTINCT 'retry', fd_hour(minute) FROM new_rows;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (kind, hour) SELECT DISTINCT 'retry', fd_hour(minute) FROM old_rows;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER db_retry_log_rollup_ins AFTER INSERT ON db_retry_log
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_retries();
--> statement-breakpoint
CREATE TRIGGER db_retry_log_rollup_upd AFTER UPDATE ON db_retry_log
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_retries();
--> statement-breakpoint
CREATE TRIGGER db_retry_log_rollup_del AFTER DELETE ON db_retry_log
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_retries();
--> statement-breakpoint
-- Sessions: only a change of started_at / ended_at marks an hour; heartbeats (most updates) mark nothing.
CREATE OR REPLACE FUNCTION rollup_mark_sessions() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO rollup_dirty (kind, hour)
      SELECT DISTINCT 'session', h FROM new_rows, LATERAL (VALUES (fd_hour(started_at)), (fd_hour(ended_at))) v(h) WHERE h IS NOT NULL;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO rollup_dirty (kind, hour)
      SELECT DISTINCT 'session', h FROM old_rows, LATERAL (VALUES (fd_hour(started_at)), (fd_hour(ended_at))) v(h) WHERE h IS NOT NULL;
  ELSE
    INSERT INTO rollup_dirty (kind, hour)
      SELECT DISTINCT 'session', h
      FROM new_rows n JOIN old_rows o ON o.id = n.id,
        LATERAL (VALUES (fd_hour(n.started_at)), (fd_hour(n.ended_at)), (fd_hour(o.started_at)), (fd_hour(o.ended_at))) v(h)
      WHERE h IS NOT NULL AND (n.started_at IS DISTINCT FROM o.started_at OR n.ended_at IS DISTINCT FROM o.ended_at);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER agent_sessions_rollup_ins AFTER INSERT ON agent_sessions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_sessions();
--> statement-breakpoint
CREATE TRIGGER agent_sessions_rollup_upd AFTER UPDATE ON agent_sessions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_sessions();
--> statement-breakpoint
CREATE TRIGGER agent_sessions_rollup_del AFTER DELETE ON agent_sessions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_sessions();
