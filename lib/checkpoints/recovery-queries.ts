import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import type { RecoveryStatus } from '@/lib/db/schema';

/**
 * Recoveries page reads. History comes from v_checkpoint_recovery_history (keyset on started_at, id); the
 * charts aggregate checkpoint_recoveries directly over a time window, a range scan of
 * idx_checkpoint_recoveries_started, so their cost follows the window, not the table.
 */
export type RecoveryHistoryRow = {
  id: string;
  session_id: string;
  checkpoint_id: string;
  project: string;
  agent_name: string;
  checkpoint_sequence: number;
  recovery_method: string;
  recovery_status: string;
  started_at: Date;
  started_at_text: string;
  completed_at: Date | null;
  recovery_duration_seconds: string | number | null;
  initiated_by: string | null;
  error: string | null;
};

export type RecoveryCursor = { startedAt: string; id: string };

export function encodeRecoveryCursor(c: RecoveryCursor) {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeRecoveryCursor(s: string | null | undefined): RecoveryCursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return typeof c.startedAt === 'string' && !Number.isNaN(Date.parse(c.startedAt)) && /^[0-9a-f-]{36}$/i.test(c.id) ? c : null;
  } catch {
    return null;
  }
}

export async function listRecoveries(
  db: Db,
  input: { limit?: number; cursor?: RecoveryCursor | null; status?: RecoveryStatus } = {},
) {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 500);
  const where: SQL[] = [];
  if (input.cursor) {
    where.push(sql`(started_at, id) < (${input.cursor.startedAt}::timestamptz, ${input.cursor.id}::uuid)`);
  }
  if (input.status) where.push(sql`recovery_status = ${input.status}`);
  const rows = await queryRows<RecoveryHistoryRow>(
    db,
    sql`SELECT id, session_id, checkpoint_id, project, agent_name, checkpoint_sequence, recovery_method, recovery_status,
               started_at, started_at::text AS started_at_text, completed_at, recovery_duration_seconds, initiated_by, error
        FROM v_checkpoint_recovery_history
        ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
        ORDER BY started_at DESC, id DESC LIMIT ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeRecoveryCursor({ startedAt: last.started_at_text, id: last.id }) : null,
  };
}

export async function recoveryStatusSummary(db: Db) {
  return queryRows<{ recovery_status: string; count: number; avg_duration: number | null }>(
    db,
    sql`SELECT recovery_status, count(*)::int AS count, avg(recovery_duration_seconds)::float8 AS avg_duration
        FROM checkpoint_recoveries GROUP BY recovery_status ORDER BY recovery_status`,
  );
}

export type RecoveryMethodStats = {
  method: string;
  total: number;
  succeeded: number;
  failed: number;
  abandoned: number;
  inProgress: number;
  /** succeeded / finished (succeeded + failed + abandoned); null when none finished. */
  successRate: number | null;
  /** Mean duration of the recoveries the agent reported on (succeeded or failed). */
  meanDurationSeconds: number | null;
};

type StatsRow = {
  method: string;
  total: number;
  succeeded: number;
  failed: number;
  abandoned: number;
  in_progress: number;
  mean_duration: number | null;
};

const statsColumns = sql`count(*)::int AS total,
  count(*) FILTER (WHERE recovery_status = 'succeeded')::int AS succeeded,
  count(*) FILTER (WHERE recovery_status = 'failed')::int AS failed,
  count(*) FILTER (WHERE recovery_status = 'abandoned')::int AS abandoned,
  count(*) FILTER (WHERE recovery_status = 'in_progress')::int AS in_progress,
  (avg(recovery_duration_seconds) FILTER (WHERE recovery_status IN ('succeeded', 'failed')))::float8 AS mean_duration`;

function toStats(r: StatsRow): RecoveryMethodStats {
  const finished = r.succeeded + r.failed + r.abandoned;
  return {
    method: r.method,
    total: r.total,
    succeeded: r.succeeded,
    failed: r.failed,
    abandoned: r.abandoned,
    inProgress: r.in_progress,
    successRate: finished ? r.succeeded / finished : null,
    meanDurationSeconds: r.mean_duration === null ? null : Number(r.mean_duration),
  };
}

/** Success rate and mean duration per method (and overall, method 'all') over the last `days` days. */
export async function recoveryStatsByMethod(db: Db, input: { days: number }) {
  const rows = await queryRows<StatsRow>(
    db,
    sql`SELECT coalesce(recovery_method, 'all') AS method, ${statsColumns}
          FROM checkpoint_recoveries
         WHERE started_at >= now() - make_interval(days => ${input.days}::int)
         GROUP BY ROLLUP (recovery_method)
         ORDER BY recovery_method NULLS FIRST`,
  );
  return rows.map(toStats);
}

export type RecoveryDayStats = RecoveryMethodStats & { day: string };

/** Per day (UTC) and method over the last `days` days; days without recoveries are filled with zeros. */
export async function recoveryStatsOverTime(db: Db, input: { days: number }) {
  const rows = await queryRows<StatsRow & { day: string }>(
    db,
    sql`SELECT to_char(date_trunc('day', started_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
               recovery_method AS method, ${statsColumns}
          FROM checkpoint_recoveries
         WHERE started_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - make_interval(days => ${input.days - 1}::int)
         GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const byDay = new Map<string, RecoveryDayStats[]>();
  for (const r of rows) {
    const list = byDay.get(r.day) ?? [];
    list.push({ ...toStats(r), day: r.day });
    byDay.set(r.day, list);
  }
  const out: { day: string; methods: RecoveryDayStats[] }[] = [];
  const today = new Date();
  for (let i = input.days - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i)).toISOString().slice(0, 10);
    out.push({ day: d, methods: byDay.get(d) ?? [] });
  }
  return out;
}

/** The latest failed and abandoned recoveries with their errors. */
export async function listRecoveryFailures(db: Db, input: { limit?: number } = {}) {
  return queryRows<RecoveryHistoryRow>(
    db,
    sql`SELECT id, session_id, checkpoint_id, project, agent_name, checkpoint_sequence, recovery_method, recovery_status,
               started_at, started_at::text AS started_at_text, completed_at, recovery_duration_seconds, initiated_by, error
          FROM v_checkpoint_recovery_history
         WHERE recovery_status IN ('failed', 'abandoned')
         ORDER BY started_at DESC, id DESC LIMIT ${input.limit ?? 20}`,
  );
}
