import { drizzle } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import { env } from '@/lib/env';
import { createDb, getDb, redactUrl, type Db, type DbHandle } from './client';
import * as schema from './schema';

/**
 * Read replicas (DATABASE_REPLICA_URLS). Dashboard, analytics and list reads take `getReadDb()`: a healthy
 * streaming replica's Drizzle handle, round-robin, or the primary when no replica is configured, none answers, or
 * each is further behind than REPLICA_MAX_LAG_S. Commands, the agent API and read-your-own-write pages take
 * `getDb()` (the primary) — the rule is in docs/architecture.md ("Reads on replicas").
 *
 * Each replica's state comes from one probe, cached for `cacheMs` (concurrent callers share it) and bounded by
 * `checkTimeoutMs`, so a dead or unreachable replica costs a page at most that long once per `cacheMs`, never a
 * hang. Lag is `now() - pg_last_xact_replay_timestamp()`, except that a replica that has replayed all the WAL it
 * received (`pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()`) is caught up: lag 0 however long the primary
 * has been idle. A server that is not in recovery (a promoted replica, or the primary listed by mistake) answers
 * reads correctly and is used, shown as `inRecovery: false`.
 *
 * A replica that goes away between two probes costs no page: a statement that fails on it with a connection error
 * marks it down at once and runs again on the primary (through the primary's own client: pool, timeouts, retries).
 */

export type ReplicaStatus = {
  label: string;
  state: 'ok' | 'lagging' | 'down';
  /** Seconds behind the primary; null when unknown (down, or nothing replayed yet). */
  lagS: number | null;
  inRecovery: boolean | null;
  error?: string;
  checkedAt: string;
};

export type ReplicaRouterOptions = {
  urls: string[];
  maxLagS: number;
  /** How long a probe's verdict is reused. Default 2 s. */
  cacheMs?: number;
  /** A probe that has not answered by then marks the replica down. Default 1 s. */
  checkTimeoutMs?: number;
  poolMax?: number;
};

export type ReplicaRouter = {
  /** A healthy replica's handle (round-robin), else `primary`. Never throws. */
  readDb(primary: Db): Promise<Db>;
  /** Each replica's state (cached probes). */
  status(): Promise<ReplicaStatus[]>;
  close(): Promise<void>;
};

type Replica = {
  label: string;
  handle: DbHandle;
  status?: ReplicaStatus;
  at: number;
  probing?: Promise<ReplicaStatus>;
  /** Drizzle over the replica with the fallback, per primary. */
  dbs: WeakMap<Db, Db>;
};

/** Errors that say the server is gone or refusing work, not that the statement is wrong. */
const CONNECTION_ERROR = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|CONNECTION_\w+|CONNECT_TIMEOUT|57P0[1-4]|08\d{3})$/;

export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && CONNECTION_ERROR.test(code);
}

type Unsafe = (query: string, params?: unknown[], options?: unknown) => PromiseLike<unknown> & { values(): PromiseLike<unknown> };

/** The replica's client, whose statements run again on `primary` when the replica fails with a connection error. */
function withFallback(replica: postgres.Sql, primary: { unsafe: Unsafe }, onDown: (err: unknown) => void): postgres.Sql {
  const unsafe: Unsafe = (query, params, options) => {
    const run = async (values: boolean) => {
      try {
        const q = (replica.unsafe as unknown as Unsafe)(query, params, options);
        return await (values ? q.values() : q);
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        onDown(err);
        const q = primary.unsafe(query, params, options);
        return await (values ? q.values() : q);
      }
    };
    return { then: (ok, fail) => run(false).then(ok, fail), values: () => run(true) };
  };
  return new Proxy(replica, { get: (target, prop, receiver) => (prop === 'unsafe' ? unsafe : Reflect.get(target, prop, receiver)) });
}

const LAG_QUERY = `SELECT pg_is_in_recovery() AS in_recovery,
  CASE WHEN NOT pg_is_in_recovery() THEN 0
       WHEN pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
       ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 END AS lag_s`;

class ProbeTimeout extends Error {}

function bounded<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  p.catch(() => {}); // may settle after the bound with nobody listening
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout()), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export async function createReplicaRouter(options: ReplicaRouterOptions): Promise<ReplicaRouter> {
  const cacheMs = options.cacheMs ?? 2000;
  const timeoutMs = options.checkTimeoutMs ?? 1000;
  const replicas: Replica[] = await Promise.all(
    options.urls.map(async (url) => ({
      label: redactUrl(url),
      // Bare driver: the observer's roll-ups are written to the database it watches, and a replica is read-only.
      handle: await createDb({ url, poolMax: options.poolMax, applicationName: 'flightdeck-read', instrument: false }),
      at: 0,
      dbs: new WeakMap(),
    })),
  );

  async function probe(r: Replica): Promise<ReplicaStatus> {
    const checkedAt = new Date().toISOString();
    try {
      const [row] = await bounded(r.handle.sql!.unsafe<{ in_recovery: boolean; lag_s: number | null }[]>(LAG_QUERY), timeoutMs);
      const lagS = row.lag_s === null ? null : Math.max(0, Number(row.lag_s));
      const ok = lagS !== null && lagS <= options.maxLagS;
      return { label: r.label, state: ok ? 'ok' : 'lagging', lagS, inRecovery: row.in_recovery, checkedAt };
    } catch (err) {
      const code = (err as { code?: string }).code;
      const error = err instanceof ProbeTimeout ? `no answer within ${timeoutMs} ms` : code ? `unreachable (${code})` : 'unreachable';
      return { label: r.label, state: 'down', lagS: null, inRecovery: null, error, checkedAt };
    }
  }

  function check(r: Replica): Promise<ReplicaStatus> {
    if (r.status && Date.now() - r.at < cacheMs) return Promise.resolve(r.status);
    r.probing ??= probe(r).then((s) => {
      r.status = s;
      r.at = Date.now();
      r.probing = undefined;
      return s;
    });
    return r.probing;
  }

  const markDown = (r: Replica, err: unknown) => {
    const code = (err as { code?: string }).code;
    r.status = { label: r.label, state: 'down', lagS: null, inRecovery: null, error: `unreachable (${code})`, checkedAt: new Date().toISOString() };
    r.at = Date.now();
  };

  const dbFor = (r: Replica, primary: Db): Db => {
    let db = r.dbs.get(primary);
    if (!db) {
      const primaryClient = (primary as unknown as { $client: { unsafe: Unsafe } }).$client;
      db = drizzle({ client: withFallback(r.handle.sql!, primaryClient, (err) => markDown(r, err)), schema }) as Db;
      r.dbs.set(primary, db);
    }
    return db;
  };

  let next = 0;
  return {
    async readDb(primary) {
      const states = await Promise.all(replicas.map(check));
      const healthy = replicas.filter((_, i) => states[i].state === 'ok');
      if (healthy.length === 0) return primary;
      return dbFor(healthy[next++ % healthy.length], primary);
    },
    status: () => Promise.all(replicas.map(check)),
    close: async () => {
      await Promise.all(replicas.map((r) => r.handle.close()));
    },
  };
}

const g = globalThis as unknown as { __flightdeckReplicas?: Promise<ReplicaRouter | null> };

/** The process-wide router from the environment (null without DATABASE_URL or DATABASE_REPLICA_URLS). */
export function replicaRouter(): Promise<ReplicaRouter | null> {
  g.__flightdeckReplicas ??= (async () => {
    const e = env();
    if (!e.DATABASE_URL || e.DATABASE_REPLICA_URLS.length === 0) return null;
    return createReplicaRouter({ urls: e.DATABASE_REPLICA_URLS, maxLagS: e.REPLICA_MAX_LAG_S, poolMax: e.DB_POOL_MAX });
  })();
  return g.__flightdeckReplicas;
}

/** Tests point the process-wide router at their own replica (or none: undefined re-reads the environment). */
export function setReplicaRouterForTests(router: ReplicaRouter | null | undefined) {
  g.__flightdeckReplicas = router === undefined ? undefined : Promise.resolve(router);
}

/** For dashboard, analytics and list reads: a healthy replica, else the primary. */
export async function getReadDb(): Promise<Db> {
  const primary = await getDb();
  const router = await replicaRouter();
  return router ? router.readDb(primary) : primary;
}

/** Each configured replica's state; empty when none is configured. */
export async function replicaStatuses(): Promise<ReplicaStatus[]> {
  const router = await replicaRouter();
  return router ? router.status() : [];
}
