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
