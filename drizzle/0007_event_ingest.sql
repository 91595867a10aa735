-- Hand-written (issue 18.1): batch event ingestion as one prepared statement, like tool executions (0004).
-- lib/events/ingest.ts calls fd_ingest_events (POST /api/v1/events without a key) and fd_ingest_events_once (with an
-- Idempotency-Key), each as `SELECT fd_…($1, …)`: one statement text whatever the batch size, so postgres.js keeps it
-- prepared on each connection and a batch is one round trip (Bind + Execute), where a multi-row INSERT of 1000 rows
-- was 5,000 parameters, a fresh Parse + Describe and a plan of a 1000-row VALUES list on every request.
--
-- fd_ingest_events(rows): the batch as one jsonb array of {eventId?, eventType, aggregateType?, aggregateId,
-- metadata?} (the API's own field names: the route passes the validated items as they are). The client event id
-- is the natural key: ON CONFLICT (event_id) DO NOTHING in the same statement skips a replay of an event already
-- stored and a second copy inside the batch alike (uuid input is case-insensitive, so "ABC…" and "abc…" are one).
-- Returns how many rows were inserted; received − inserted are the duplicates. One statement: a bad value fails the
-- whole batch, nothing is written.
CREATE OR REPLACE FUNCTION fd_ingest_events(p_rows jsonb) RETURNS integer
LANGUAGE sql VOLATILE AS $$
  WITH ins AS (
    INSERT INTO execution_events (event_id, event_type, aggregate_type, aggregate_id, metadata)
    SELECT coalesce(x."eventId", gen_random_uuid()), x."eventType", coalesce(x."aggregateType", 'session'),
           x."aggregateId", coalesce(x.metadata, '{}'::jsonb)
    FROM jsonb_to_recordset(p_rows) AS x("eventId" uuid, "eventType" text, "aggregateType" text, "aggregateId" text,
                                          metadata jsonb)
    ON CONFLICT (event_id) DO NOTHING
    RETURNING 1
  )
  SELECT count(*)::integer FROM ins
$$;
--> statement-breakpoint
-- fd_ingest_events_once: the same under an Idempotency-Key, with the semantics of lib/api/idempotency.ts and of
-- fd_ingest_tool_executions_once (0004): the key row is claimed first (a concurrent duplicate blocks on that insert
-- until this statement commits, then finds the key and replays); the answer is written into the key row before the
-- statement commits, so a key is never seen "in progress" and the events and their answer commit together.
-- Returns {"replayed", "status", "body", "requestHash"}; the caller compares requestHash for a replay.
CREATE OR REPLACE FUNCTION fd_ingest_events_once(
  p_principal text, p_key text, p_method text, p_path text, p_request_hash text, p_rows jsonb
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_count integer := jsonb_array_length(p_rows);
  v_inserted integer;
  v_body jsonb;
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
  v_inserted := fd_ingest_events(p_rows);
  v_body := jsonb_build_object('received', v_count, 'inserted', v_inserted, 'duplicates', v_count - v_inserted);
  UPDATE idempotency_keys SET response_status = 200, response_body = v_body
  WHERE principal = p_principal AND key = p_key;
  RETURN jsonb_build_object('replayed', false, 'status', 200, 'body', v_body);
END;
$$;
