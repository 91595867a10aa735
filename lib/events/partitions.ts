import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';

/**
 * The event store's monthly partitions (drizzle/0010): execution_events_pYYYYMM holds one UTC month,
 * execution_events_default whatever no month partition covers.
 *
 * Safe with N instances: every pass runs in one transaction that first takes the transaction-scoped advisory lock
 * EVENT_PARTITION_LOCK_KEY, waiting for it (at most TURN_TIMEOUT), so two instances never create or drop the same
 * partition at once; the second one in then finds the work done. The DDL waits at most DDL_LOCK_TIMEOUT for the
 * table locks it needs rather than queueing event inserts behind it for long; a run that times out is logged and
 * retried on the next tick.
 */
export const EVENT_PARTITION_LOCK_KEY = 7_301_018;
/** How long an instance waits for another's pass (advisory lock), and the DDL for the tables' locks. */
const TURN_TIMEOUT = '60s';
const DDL_LOCK_TIMEOUT = '3s';

function monthStartUtc(d: Date, plusMonths = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plusMonths, 1));
}

async function underPartitionLock<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`SET LOCAL lock_timeout = '${TURN_TIMEOUT}'`));
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${EVENT_PARTITION_LOCK_KEY})`);
    await tx.execute(sql.raw(`SET LOCAL lock_timeout = '${DDL_LOCK_TIMEOUT}'`));
    return fn(tx as unknown as Db);
  });
}

/**
 * Creates the partitions of the current month and the next `monthsAhead` (default 2) that do not exist yet, and of
 * every month with rows waiting in the default partition (an insert while its month had no partition) — except months
 * past retention (`retentionDays`), whose rows there are the ones retention keeps. The month's rows move out of the
 * default partition into it (fd_ensure_event_partition). Returns the names of the partitions this call created.
 */
export async function ensureEventPartitions(
  db: Db,
  input: { now?: Date; monthsAhead?: number; retentionDays?: number } = {},
): Promise<{ created: string[] }> {
  const now = input.now ?? new Date();
  const months = Array.from({ length: (input.monthsAhead ?? 2) + 1 }, (_, i) => monthStartUtc(now, i));
  const cutoff = input.retentionDays ? new Date(now.getTime() - input.retentionDays * 86_400_000) : null;
  return underPartitionLock(db, async (tx) => {
    const stranded = await queryRows<{ m: string }>(
      tx,
      sql`SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC')::text AS m FROM execution_events_default`,
    );
    for (const { m } of stranded) {
      const month = new Date(`${m.slice(0, 10)}T00:00:00Z`);
      if (!cutoff || monthStartUtc(month, 1) > cutoff) months.push(month);
    }
    const created: string[] = [];
    for (const m of months) {
      const [row] = await queryRows<{ created: boolean }>(
        tx,
        sql`SELECT fd_ensure_event_partition(${m.toISOString()}::timestamptz) AS created`,
      );
      if (row.created) created.push(partitionName(m));
    }
    return { created };
  });
}

/** Partitions for every month touching [from, to] (seeds, before writing events with past timestamps). */
export async function ensureEventPartitionsBetween(db: Db, from: Date, to: Date): Promise<{ created: string[] }> {
  const months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
  return ensureEventPartitions(db, { now: from, monthsAhead: Math.max(months, 0) });
}

export function partitionName(month: Date): string {
  return `execution_events_p${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month partitions that exist, oldest first, with their UTC month. */
export async function listEventPartitions(db: Db): Promise<{ name: string; month: Date }[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'execution_events'::regclass AND c.relname ~ '^execution_events_p[0-9]{6}$'
         ORDER BY c.relname`,
  );
  return rows.map((r) => {
    const ym = r.name.slice(-6);
    return { name: r.name, month: new Date(Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(4)) - 1, 1)) };
  });
}

/**
 * Which events retention keeps although they are past the retention period (only session events can be needed):
 * - every event of a session with an open (unresolved) pause: the person deciding on it reads that timeline;
 * - the events of a still restorable session (not completed or aborted: startRecovery refuses those) from its oldest
 *   valid checkpoint on: what happened since the state a restore would return to. Events before it are what the
 *   checkpoint itself summarises; a finished session's checkpoints can no longer be restored to.
 * `e` is the events relation being judged.
 */
/** One row per session with needed events: `sid` (aggregate id) and `since` (needed from then on). Hash-joined. */
const neededSessions = sql.raw(`(SELECT sid, min(since) AS since FROM (
    SELECT p.session_id::text AS sid, '-infinity'::timestamptz AS since FROM paused_sessions p WHERE NOT p.resolved
    UNION ALL
    SELECT c.session_id::text, min(c.created_at) FROM session_checkpoints c JOIN agent_sessions s ON s.id = c.session_id
     WHERE c.is_valid AND s.status NOT IN ('completed', 'aborted') GROUP BY c.session_id) x GROUP BY sid)`);
/** `e` (an events relation) is needed: a session event at or after its session's `since`. */
const needed = sql`EXISTS (SELECT 1 FROM ${neededSessions} n
    WHERE e.aggregate_type = 'session' AND n.sid = e.aggregate_id AND e.created_at >= n.since)`;

export type EventRetentionResult = {
  /** Month partitions dropped whole. */
  dropped: string[];
  /** Events of those partitions still needed, kept in the default partition. */
  kept: number;
  /** Events past retention deleted from the default partition (kept earlier, no longer needed; or strays). */
  deletedFromDefault: number;
};

/**
 * Retention: a month partition whose whole month ended more than `retentionDays` ago is dropped whole — detached,
 * the events a pause or checkpoint still needs (see `needed`) copied into the default partition (no partition
 * covers that month any more, so the parent routes them there, with their ids), then dropped. Nothing else reads
 * them differently: the timeline and the correlation search read execution_events, default partition included.
 * Each pass also deletes the default partition's rows past retention that are no longer needed. The current month's
 * partition is never dropped, whatever the setting.
 */
export async function pruneEventPartitions(
  db: Db,
  input: { retentionDays: number; now?: Date },
): Promise<EventRetentionResult> {
  const now = input.now ?? new Date();
  const cutoff = new Date(now.getTime() - input.retentionDays * 86_400_000);
  const current = monthStartUtc(now);
  return underPartitionLock(db, async (tx) => {
    const doomed = (await listEventPartitions(tx)).filter(
      (p) => monthStartUtc(p.month, 1) <= cutoff && p.month < current,
    );
    let kept = 0;
    for (const p of doomed) {
      await tx.execute(sql.raw(`ALTER TABLE execution_events DETACH PARTITION "${p.name}"`));
      const [row] = await queryRows<{ n: number }>(
        tx,
        sql`WITH k AS (
              INSERT INTO execution_events OVERRIDING SYSTEM VALUE
              SELECT e.* FROM ${sql.identifier(p.name)} e WHERE ${needed}
              ON CONFLICT DO NOTHING RETURNING 1)
            SELECT count(*)::int AS n FROM k`,
      );
      kept += Number(row.n);
      await tx.execute(sql.raw(`DROP TABLE "${p.name}"`));
    }
    const [gone] = await queryRows<{ n: number }>(
      tx,
      sql`WITH d AS (
            DELETE FROM execution_events_default e
             WHERE e.created_at < ${cutoff.toISOString()}::timestamptz AND NOT (${needed})
            RETURNING 1)
          SELECT count(*)::int AS n FROM d`,
    );
    return { dropped: doomed.map((p) => p.name), kept, deletedFromDefault: Number(gone.n) };
  });
}

/** The background job: partitions ahead first (never skipped), then retention (EVENT_RETENTION_DAYS). */
export async function maintainEventPartitions(db: Db, input: { retentionDays: number; now?: Date }) {
  const ahead = await ensureEventPartitions(db, input);
  const retention = await pruneEventPartitions(db, input);
  return { ...ahead, ...retention };
}
