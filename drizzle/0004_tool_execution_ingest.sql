-- Hand-written: tool-execution ingestion as database functions, so that a keyed POST /api/v1/tool-executions is one
-- round trip (one autocommit statement) instead of BEGIN, work, key row, COMMIT: the single-item POST is the
-- agents' hottest call (issue 5). lib/tools/ingest.ts calls fd_ingest_tool_executions; the route calls
-- fd_ingest_tool_executions_once when the request carries an Idempotency-Key.
--
-- fd_ingest_tool_executions(rows): the batch as one jsonb array; sessions it names are checked in the same
-- statement (an unknown one: nothing inserted, its indexes returned); the client execution id is the natural key
-- (ON CONFLICT DO NOTHING). Returns {"missing": [indexes] | null, "inserted": n}.
CREATE OR REPLACE FUNCTION fd_ingest_tool_executions(p_rows jsonb) RETURNS jsonb
LANGUAGE sql VOLATILE AS $$
  WITH input AS (
    SELECT * FROM jsonb_to_recordset(p_rows) AS x(
      i int, execution_id uuid, user_id text, tool_name text, success boolean, execution_time_ms int,
      error_message text, session_id uuid, context jsonb, user_satisfaction smallint, created_at timestamptz)
  ), missing AS (
    SELECT i FROM input
    WHERE session_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agent_sessions s WHERE s.id = input.session_id)
  ), ins AS (
    INSERT INTO user_tool_history (execution_id, user_id, tool_name, success, execution_time_ms, error_message,
                                   session_id, context, user_satisfaction, created_at)
    SELECT execution_id, user_id, tool_name, success, execution_time_ms, error_message, session_id, context,
           user_satisfaction, coalesce(created_at, now())
    FROM input
    WHERE NOT EXISTS (SELECT 1 FROM missing)
    ORDER BY i
    ON CONFLICT (execution_id) DO NOTHING
    RETURNING 1
  )
  SELECT jsonb_build_object('missing', (SELECT jsonb_agg(i ORDER BY i) FROM missing), 'inserted', (SELECT count(*) FROM ins))
$$;
--> statement-breakpoint
-- fd_ingest_tool_executions_once: the same under an Idempotency-Key, with the semantics of lib/api/idempotency.ts.
-- The key row is claimed first; a concurrent duplicate blocks on that insert until this statement commits, then
-- finds it (each statement of a PL/pgSQL function takes a fresh snapshot) and replays. The answer — success, or the
-- 422 naming unknown sessions (a domain refusal, stored and replayed like the others) — is written into the key
-- row before the statement commits, so a key is never seen "in progress". Returns {"replayed", "status", "body",
-- "requestHash"}; the caller compares requestHash for a replay (a different request under the same key is 422).
CREATE OR REPLACE FUNCTION fd_ingest_tool_executions_once(
  p_principal text, p_key text, p_method text, p_path text, p_request_hash text, p_rows jsonb, p_batch boolean
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_result jsonb;
  v_status integer;
  v_body jsonb;
  v_count integer := jsonb_array_length(p_rows);
  v_inserted integer;
  v_stored idempotency_keys%ROWTYPE;
BEGIN
  INSERT INTO idempotency_keys (principal, key, method, path, request_hash)
  VALUES (p_principal, p_key, p_method, p_path, p_request_hash)
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    SELECT * INTO v_stored FROM idempotency_keys WHERE principal = p_principal AND key = p_key;
    RETURN jsonb_build_object('replayed', true, 'status', v_stored.response_status, 'body', v_stored.response_body,
                              'requestHash', v_stored.request_hash);
  END IF;
  v_result := fd_ingest_tool_executions(p_rows);
  IF jsonb_typeof(v_result -> 'missing') = 'array' THEN
    -- Same body as the route's AppError('unprocessable', 'Unknown sessionId', {fields}) for at most 50 items.
    v_status := 422;
    v_body := jsonb_build_object('error', jsonb_build_object(
      'code', 'unprocessable',
      'message', 'Unknown sessionId',
      'fields', (SELECT jsonb_agg(jsonb_build_object(
                          'path', CASE WHEN p_batch THEN m || '.sessionId' ELSE 'sessionId' END,
                          'message', 'no session with this id') ORDER BY n)
                 FROM jsonb_array_elements_text(v_result -> 'missing') WITH ORDINALITY AS x(m, n)
                 WHERE n <= 50)));
  ELSE
    v_inserted := (v_result ->> 'inserted')::integer;
    v_status := 200;
    v_body := jsonb_build_object('received', v_count, 'inserted', v_inserted, 'duplicates', v_count - v_inserted);
  END IF;
  UPDATE idempotency_keys SET response_status = v_status, response_body = v_body
  WHERE principal = p_principal AND key = p_key;
  RETURN jsonb_build_object('replayed', false, 'status', v_status, 'body', v_body);
END;
$$;
