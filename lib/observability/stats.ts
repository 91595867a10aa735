import { sql } from 'drizzle-orm';
import { getDbHandle, queryRows, type DbHandle } from '@/lib/db/client';
import { pendingMigrations } from '@/lib/db/migrate';
import { replicaStatuses, type ReplicaStatus } from '@/lib/db/replica';
import { retryRecorder, type RetryStats } from '@/lib/db/retry';
import { monitorOf } from './install';
import type { HealthVerdict, PoolSnapshot, SlowQuery, TemplateSummary } from './snapshot';

/**
 * What the health and metrics endpoints and the Database page show. Typed, driver-agnostic read functions:
 * the in-process view (monitor, retry counters), the per-minute history (db_retry_log, db_monitor_minutes)
 * and the server's own view (pg_stat_activity, pg_stat_statements), which PGlite reports as not available.
 */

type Unavailable = { available: false; reason: string };

export type HealthReport = {
  status: 'ok' | 'degraded' | 'unavailable';
  database: { reachable: boolean; driver: DbHandle['kind'] | null; latencyMs: number | null; error?: string };
  migrations: { current: boolean; pending: string[] };
  pool: HealthVerdict | null;
  /** Each read replica (DATABASE_REPLICA_URLS); one lagging or down makes the verdict degraded, never unavailable:
   * its reads fall back to the primary. */
  replicas: ReplicaStatus[];
  checkedAt: string;
};

/** A probe must answer even when the database does not (the data layer's retries and connect timeout can take
 * tens of seconds while the server restarts): past this, the check reports the database unreachable. */
export const HEALTH_DEADLINE_MS = 3000;

class PastDeadline extends Error {}

function withDeadline<T>(p: Promise<T>, until: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PastDeadline()), Math.max(0, until - Date.now()));
  });
  p.catch(() => {}); // settles after the deadline with nobody listening
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** For GET /api/health: unavailable (503) when the database is unreachable, migrations are pending or the pool
 * is unhealthy; degraded (still 200) when the pool is degraded. Answers within `deadlineMs`. Never throws. */
export async function getHealth(handle?: DbHandle, options: { deadlineMs?: number } = {}): Promise<HealthReport> {
  const checkedAt = new Date().toISOString();
  const until = Date.now() + (options.deadlineMs ?? HEALTH_DEADLINE_MS);
  let h: DbHandle;
  try {
    h = handle ?? (await getDbHandle());
  } catch {
    return {
      status: 'unavailable',
      database: { reachable: false, driver: null, latencyMs: null, error: 'cannot open the database' },
      migrations: { current: false, pending: [] },
      pool: null,
      replicas: [],
      checkedAt,
    };
  }
  const started = performance.now();
  let reachable = true;
  let error: string | undefined;
  try {
    await withDeadline(h.db.execute(sql`SELECT 1`), until);
  } catch (err) {
    reachable = false;
    const cause = (err as { cause?: { code?: string } }).cause;
    error =
      err instanceof PastDeadline
        ? `no answer within ${options.deadlineMs ?? HEALTH_DEADLINE_MS} ms`
        : cause?.code
          ? `query failed (${cause.code})`
          : 'query failed';
  }
  const latencyMs = reachable ? performance.now() - started : null;
  const pending = reachable ? await withDeadline(pendingMigrations(h.db), until).catch(() => ['(unknown)']) : [];
  const pool = monitorOf(h).snapshot().health;
  const replicas = await replicaStatuses().catch(() => []);
  const status =
    !reachable || pending.length > 0 || pool.status === 'unhealthy'
      ? 'unavailable'
      : pool.status === 'degraded' || replicas.some((r) => r.state !== 'ok')
        ? 'degraded'
        : 'ok';
  return {
    status,
    database: { reachable, driver: h.kind, latencyMs, ...(error ? { error } : {}) },
    migrations: { current: reachable && pending.length === 0, pending },
    pool,
    replicas,
    checkedAt,
  };
}

export type RetryMinute = { minute: string; errorClass: string; retries: number; recovered: number; failed: number };
export type MonitorMinute = {
  minute: string;
  queries: number;
  errors: number;
  slowQueries: number;
  queryP50Ms: number | null;
  queryP95Ms: number | null;
  acquireP95Ms: number | null;
  maxWaiting: number;
  maxInFlight: number;
  poolSize: number;
};

export type DatabaseStats = {
  pool: PoolSnapshot;
  retries: RetryStats;
  /** Per minute over `sinceMinutes`, all processes (charts). */
  retryHistory: RetryMinute[];
  monitorHistory: MonitorMinute[];
  server: ServerActivity | Unavailable;
};

/** Everything for GET /api/metrics/database and the Database page. */
export async function getDatabaseStats(
  options: { sinceMinutes?: number; handle?: DbHandle } = {},
): Promise<DatabaseStats> {
  const h = options.handle ?? (await getDbHandle());
  const since = options.sinceMinutes ?? 60;
  const [retryHistory, monitorHistory, server] = await Promise.all([
    getRetryHistory({ sinceMinutes: since, handle: h }).catch(() => []),
    getMonitorHistory({ sinceMinutes: since, handle: h }).catch(() => []),
    getServerActivity({ handle: h }),
  ]);
  return { pool: monitorOf(h).snapshot(), retries: retryRecorder().stats(), retryHistory, monitorHistory, server };
}

/** Retries per minute and error class, summed over operations and processes. */
export async function getRetryHistory(options: { sinceMinutes?: number; handle?: DbHandle } = {}) {
  const h = options.handle ?? (await getDbHandle());
  const rows = await queryRows<RetryMinute>(
    h.db,
    sql`SELECT to_char(minute AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:00"Z"') AS "minute",
          error_class AS "errorClass", sum(retries)::int AS retries, sum(recovered)::int AS recovered,
          sum(failed)::int AS failed
        FROM db_retry_log WHERE minute >= now() - make_interval(mins => ${options.sinceMinutes ?? 60})
        GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return rows;
}

/** Pool and latency per minute, combined over processes (sums of counts, worst percentiles). */
export async function getMonitorHistory(options: { sinceMinutes?: number; handle?: DbHandle } = {}) {
  const h = options.handle ?? (await getDbHandle());
  return queryRows<MonitorMinute>(
    h.db,
    sql`SELECT to_char(minute AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:00"Z"') AS "minute",
          sum(queries)::float8 AS queries, sum(errors)::float8 AS errors, sum(slow_queries)::int AS "slowQueries",
          max(query_p50_ms) AS "queryP50Ms", max(query_p95_ms) AS "queryP95Ms", max(acquire_p95_ms) AS "acquireP95Ms",
          max(max_waiting)::int AS "maxWaiting", max(max_in_flight)::int AS "maxInFlight", sum(pool_size)::int AS "poolSize"
        FROM db_monitor_minutes WHERE minute >= now() - make_interval(mins => ${options.sinceMinutes ?? 60})
        GROUP BY 1 ORDER BY 1`,
  );
}

export type QueryStats = {
  top: TemplateSummary[];
  slow: SlowQuery[];
  serverTop: ServerStatement[] | Unavailable;
};

/** For GET /api/metrics/queries: this process's top templates and slow queries, and pg_stat_statements. */
export async function getQueryStats(
  options: { limit?: number; orderBy?: 'total' | 'mean' | 'p95' | 'count' | 'errors'; handle?: DbHandle } = {},
): Promise<QueryStats> {
  const h = options.handle ?? (await getDbHandle());
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 200);
  return {
    top: monitorOf(h).topTemplates({ limit, orderBy: options.orderBy }),
    slow: monitorOf(h).slowQueries(limit),
    serverTop: await getServerTopStatements({ limit, handle: h }),
  };
}

export type ServerActivity = {
  available: true;
  byState: { state: string; count: number }[];
  longestTransactions: {
    pid: number;
    state: string | null;
    application: string | null;
    seconds: number;
    query: string;
  }[];
  waitingLocks: { pid: number; blockedBy: number[]; seconds: number; lockType: string; query: string }[];
};

/** The server's own view of this database's connections (not on PGlite). */
export async function getServerActivity(options: { handle?: DbHandle } = {}): Promise<ServerActivity | Unavailable> {
  const h = options.handle ?? (await getDbHandle());
  if (h.kind === 'pglite') return { available: false, reason: 'PGlite is embedded: there is no server to ask.' };
  try {
    const [byState, longest, waiting] = await Promise.all([
      queryRows<{ state: string; count: number }>(
        h.db,
        sql`SELECT coalesce(state, 'unknown') AS state, count(*)::int AS count FROM pg_stat_activity
            WHERE datname = current_database() AND backend_type = 'client backend' GROUP BY 1 ORDER BY 2 DESC`,
      ),
      queryRows<ServerActivity['longestTransactions'][number]>(
        h.db,
        sql`SELECT pid, state, application_name AS application,
              extract(epoch FROM clock_timestamp() - xact_start)::float8 AS seconds, left(query, 500) AS query
            FROM pg_stat_activity
            WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()
            ORDER BY xact_start LIMIT 10`,
      ),
      queryRows<Omit<ServerActivity['waitingLocks'][number], 'blockedBy'> & { blockedBy: string }>(
        h.db,
        // As text: raw execute() hands int[] back unparsed ("{12,34}"), so it is split here.
        sql`SELECT a.pid, array_to_string(pg_blocking_pids(a.pid), ',') AS "blockedBy", coalesce(a.wait_event, '') AS "lockType",
              extract(epoch FROM clock_timestamp() - a.query_start)::float8 AS seconds, left(a.query, 500) AS query
            FROM pg_stat_activity a
            WHERE a.datname = current_database() AND a.wait_event_type = 'Lock'
            ORDER BY a.query_start LIMIT 20`,
      ),
    ]);
    return {
      available: true,
      byState,
      longestTransactions: longest,
      waitingLocks: waiting.map((w) => ({ ...w, blockedBy: w.blockedBy ? w.blockedBy.split(',').map(Number) : [] })),
    };
  } catch (err) {
    return { available: false, reason: `pg_stat_activity could not be read: ${(err as Error).message.split('\n')[0]}` };
  }
}

export type ServerStatement = {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
};

/** pg_stat_statements' top statements by total time, when the extension is installed in this database. */
export async function getServerTopStatements(
  options: { limit?: number; handle?: DbHandle } = {},
): Promise<ServerStatement[] | Unavailable> {
  const h = options.handle ?? (await getDbHandle());
  if (h.kind === 'pglite') return { available: false, reason: 'PGlite has no pg_stat_statements.' };
  try {
    const ext = await queryRows<{ n: number }>(
      h.db,
      sql`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'pg_stat_statements'`,
    );
    if (!ext[0]?.n) {
      return { available: false, reason: 'The pg_stat_statements extension is not installed in this database.' };
    }
    return await queryRows<ServerStatement>(
      h.db,
      sql`SELECT left(query, 1000) AS query, calls::float8 AS calls, total_exec_time AS "totalMs",
            mean_exec_time AS "meanMs", rows::float8 AS rows
          FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY total_exec_time DESC LIMIT ${options.limit ?? 20}`,
    );
  } catch (err) {
    return { available: false, reason: `pg_stat_statements could not be read: ${(err as Error).message.split('\n')[0]}` };
  }
}
