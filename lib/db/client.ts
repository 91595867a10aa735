import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { env } from '@/lib/env';
import { acquireDataDirLock } from './pglite-lock';
import * as schema from './schema';

/**
 * The one place that creates a database handle. Without DATABASE_URL it is an embedded PGlite under
 * ./.data (a "pool" of one connection); with it, a postgres.js pool. Domain code only sees `Db`, the Drizzle
 * query builder, which is the same for both.
 */
export type Db = PostgresJsDatabase<typeof schema>;

export type DbHandle = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** postgres.js client when kind = 'postgres'. */
  sql?: postgres.Sql;
  pglite?: PGlite;
  poolSize: number;
  label: string;
  close(): Promise<void>;
};

export type CreateDbOptions = {
  /** postgres:// URL; when absent, PGlite. */
  url?: string;
  /** PGlite folder, or 'memory://' for a throwaway in-memory database. */
  dataDir?: string;
  poolMax?: number;
  applicationName?: string;
};

export function redactUrl(url: string) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(malformed URL)';
  }
}

export async function createDb(options: CreateDbOptions = {}): Promise<DbHandle> {
  const e = env();
  if (options.url) {
    const max = options.poolMax ?? e.DB_POOL_MAX;
    const sql = postgres(options.url, {
      max,
      connect_timeout: e.DB_CONNECT_TIMEOUT_S,
      idle_timeout: 60,
      max_lifetime: 60 * 30,
      onnotice: () => {},
      connection: {
        application_name: options.applicationName ?? 'flightdeck',
        statement_timeout: e.DB_STATEMENT_TIMEOUT_MS,
        idle_in_transaction_session_timeout: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      },
    });
    const db = drizzlePostgres(sql, { schema });
    return {
      db,
      kind: 'postgres',
      sql,
      poolSize: max,
      label: redactUrl(options.url),
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const dataDir = options.dataDir ?? e.PGLITE_DATA_DIR;
  const inMemory = dataDir.startsWith('memory://');
  const release = inMemory ? () => {} : acquireDataDirLock(dataDir);
  let pglite: PGlite;
  try {
    pglite = new PGlite(inMemory ? undefined : dataDir);
    await pglite.waitReady;
  } catch (err) {
    release();
    throw err;
  }
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite,
    poolSize: 1,
    label: inMemory ? 'PGlite (in memory)' : `PGlite at ${dataDir}`,
    close: async () => {
      try {
        await pglite.close();
      } finally {
        release();
      }
    },
  };
}

const globalForDb = globalThis as unknown as { __flightdeckDb?: Promise<DbHandle> };

/** The process-wide handle, created on first use from the environment and cached across hot reloads. */
export function getDbHandle(): Promise<DbHandle> {
  globalForDb.__flightdeckDb ??= createDb({ url: env().DATABASE_URL }).catch((err) => {
    globalForDb.__flightdeckDb = undefined;
    throw err;
  });
  return globalForDb.__flightdeckDb;
}

/** Tests that call route handlers directly point the process-wide handle at their throwaway database. */
export function setDbHandleForTests(handle: DbHandle | undefined) {
  globalForDb.__flightdeckDb = handle ? Promise.resolve(handle) : undefined;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/** Rows of a raw SQL statement, whichever driver runs (postgres.js returns an array, PGlite `{ rows }`). */
export async function queryRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
