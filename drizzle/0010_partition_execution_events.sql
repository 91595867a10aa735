-- Hand-written (issue 18.4): execution_events becomes a table partitioned by month (declarative RANGE partitioning
-- on created_at, UTC month boundaries), the same on Postgres and PGlite.
--
-- Layout: execution_events_pYYYYMM holds [YYYY-MM-01, next month) UTC; execution_events_default catches any row no
-- month partition covers (an insert is never lost for want of a partition; the partitions job moves such rows into
-- the month's partition when it creates it, and the retention pass keeps the events that a pause or checkpoint still
-- needs there after dropping their month — lib/events/partitions.ts).
--
-- Keys: a partitioned table's primary key and unique constraints must contain the partition key, so the primary key
-- is (id, created_at). The natural key event_id stays unique PER PARTITION (execution_events_pYYYYMM_event_id_key,
-- a plain unique constraint on each leaf): fd_ingest_events' ON CONFLICT DO NOTHING (no conflict target, so the
-- leaf's unique constraint is the arbiter) still drops a replay within a batch and a concurrent replay in the same
-- month; a replay of an event stored in the previous month is dropped by the NOT EXISTS probe of the function below.
-- Events are stamped by the server (created_at = now(), the same for a whole statement), so all of a batch lands in
-- one partition. The one gap: two copies of one client event id sent concurrently across a month boundary.
--
-- The old table is copied, not rewritten in place: rows keep their id (the identity continues after the largest).
ALTER TABLE "execution_events" RENAME TO "execution_events_unpartitioned";
--> statement-breakpoint
ALTER SEQUENCE "execution_events_id_seq" RENAME TO "execution_events_unpartitioned_id_seq";
--> statement-breakpoint
ALTER TABLE "execution_events_unpartitioned" RENAME CONSTRAINT "execution_events_pkey" TO "execution_events_unpartitioned_pkey";
--> statement-breakpoint
ALTER TABLE "execution_events_unpartitioned" DROP CONSTRAINT "execution_events_event_id_key";
--> statement-breakpoint
DROP INDEX "idx_execution_events_aggregate";
--> statement-breakpoint
DROP INDEX "idx_execution_events_conversation";
--> statement-breakpoint
DROP INDEX "idx_execution_events_correlation";
--> statement-breakpoint
DROP INDEX "idx_execution_events_created";
--> statement-breakpoint
CREATE TABLE "execution_events" (
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "execution_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"event_type" text NOT NULL,
	"aggregate_type" text NOT NULL,
	"aggregate_id" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "execution_events_pkey" PRIMARY KEY ("id", "created_at")
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
CREATE TABLE "execution_events_default" PARTITION OF "execution_events" DEFAULT;
--> statement-breakpoint
ALTER TABLE "execution_events_default" ADD CONSTRAINT "execution_events_default_event_id_key" UNIQUE ("event_id");
--> statement-breakpoint
-- The month partition holding p_at (UTC), created if missing; returns true when this call created it. Rows of that
-- month waiting in the default partition move into it first (CREATE … PARTITION OF would fail on them), then it is
-- attached, which builds the parent's indexes on it. The caller serialises calls (the job holds an advisory lock).
CREATE OR REPLACE FUNCTION fd_ensure_event_partition(p_at timestamptz) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_from timestamp := date_trunc('month', p_at AT TIME ZONE 'UTC');
  v_to timestamp := v_from + interval '1 month';
  v_name text := 'execution_events_p' || to_char(v_from, 'YYYYMM');
BEGIN
  IF to_regclass(v_name) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE execution_events INCLUDING DEFAULTS)', v_name);
  EXECUTE format(
    'WITH moved AS (DELETE FROM execution_events_default WHERE created_at >= %L::timestamptz AND created_at < %L::timestamptz RETURNING *)
     INSERT INTO %I SELECT * FROM moved',
    v_from AT TIME ZONE 'UTC', v_to AT TIME ZONE 'UTC', v_name);
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I UNIQUE (event_id)', v_name, v_name || '_event_id_key');
  EXECUTE format('ALTER TABLE execution_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
    v_name, v_from AT TIME ZONE 'UTC', v_to AT TIME ZONE 'UTC');
  RETURN true;
END;
$$;
--> statement-breakpoint
-- Partitions for every month of the existing rows, and the current month and the next two (the job keeps that up).
SELECT fd_ensure_event_partition(m AT TIME ZONE 'UTC')
  FROM generate_series(
         date_trunc('month', least(coalesce((SELECT min(created_at) FROM execution_events_unpartitioned), now()), now()) AT TIME ZONE 'UTC'),
         date_trunc('month', greatest(coalesce((SELECT max(created_at) FROM execution_events_unpartitioned), now()), now() + interval '2 months') AT TIME ZONE 'UTC'),
         interval '1 month') AS m;
--> statement-breakpoint
INSERT INTO "execution_events" OVERRIDING SYSTEM VALUE
SELECT "id", "event_id", "event_type", "aggregate_type", "aggregate_id", "metadata", "created_at"
  FROM "execution_events_unpartitioned";
--> statement-breakpoint
SELECT setval('execution_events_id_seq', greatest(coalesce((SELECT max(id) FROM execution_events), 0), 1),
              (SELECT max(id) FROM execution_events) IS NOT NULL);
--> statement-breakpoint
DROP TABLE "execution_events_unpartitioned";
--> statement-breakpoint
-- The seeds' and pages' indexes, as before, now partitioned (each partition gets its own, new partitions too).
CREATE INDEX "idx_execution_events_aggregate" ON "execution_events" USING btree ("aggregate_type","aggregate_id","created_at");
--> statement-breakpoint
CREATE INDEX "idx_execution_events_conversation" ON "execution_events" USING btree (("metadata"->>'conversation_id'));
--> statement-breakpoint
CREATE INDEX "idx_execution_events_correlation" ON "execution_events" USING btree (("metadata"->>'correlation_id'));
--> statement-breakpoint
CREATE INDEX "idx_execution_events_created" ON "execution_events" USING btree ("created_at" DESC NULLS LAST);
--> statement-breakpoint
-- 0007's function, adapted: there is no table-wide unique index on event_id any more. ON CONFLICT DO NOTHING without
-- a target uses the receiving partition's unique event_id constraint (a copy within the batch, a concurrent copy in
-- this month); NOT EXISTS finds a copy stored in the previous UTC month (one partition's unique index per row: the
-- range is a constant at executor start-up, so the other partitions are pruned). A replay is therefore caught for at
-- least a month after the original — agents retry within minutes, and Idempotency-Keys are kept 24 h — without
-- probing every partition for every row. Only client-supplied ids are probed: a generated one cannot exist.
CREATE OR REPLACE FUNCTION fd_ingest_events(p_rows jsonb) RETURNS integer
LANGUAGE sql VOLATILE AS $$
  WITH ins AS (
    INSERT INTO execution_events (event_id, event_type, aggregate_type, aggregate_id, metadata)
    SELECT coalesce(x."eventId", gen_random_uuid()), x."eventType", coalesce(x."aggregateType", 'session'),
           x."aggregateId", coalesce(x.metadata, '{}'::jsonb)
    FROM jsonb_to_recordset(p_rows) AS x("eventId" uuid, "eventType" text, "aggregateType" text, "aggregateId" text,
                                          metadata jsonb)
    WHERE x."eventId" IS NULL
       OR NOT EXISTS (SELECT 1 FROM execution_events e
                       WHERE e.event_id = x."eventId"
                         AND e.created_at >= (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month') AT TIME ZONE 'UTC'
                         AND e.created_at < date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
    ON CONFLICT DO NOTHING
    RETURNING 1
  )
  SELECT count(*)::integer FROM ins
$$;
