import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import { createDb, type Db, type DbHandle } from '@/lib/db/client';
import { migrate, type Migration } from '@/lib/db/migrate';

/**
 * Throwaway databases for integration tests: an in-memory PGlite always, and a uniquely named database on the
 * Postgres server of TEST_DATABASE_URL when it is set (created before the file's tests, dropped after).
 */
export type DbKind = 'pglite' | 'postgres';

export type TestDatabase = {
  kind: DbKind;
  db: Db;
  handle: DbHandle;
  /** postgres:// URL of the throwaway database (postgres kind only). */
  url?: string;
  destroy(): Promise<void>;
};

export function testDbKinds(): DbKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

// metricsFlushMs 0: the pool monitor's roll-ups are written at close (or on flushMetrics()), not by a 15 s timer
// that would add a db_monitor_minutes row in the middle of a test that counts rows.
export async function createTestDatabase(
  kind: DbKind,
  options: { poolMax?: number; migrations?: Migration[] } = {},
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = await createDb({ dataDir: 'memory://', metricsFlushMs: 0 });
    await migrate(handle.db, { migrations: options.migrations });
    return { kind, db: handle.db, handle, destroy: () => handle.close() };
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `fd_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const handle = await createDb({ url: url.toString(), poolMax: options.poolMax ?? 10, metricsFlushMs: 0 });
  await migrate(handle.db, { migrations: options.migrations });
  return {
    kind,
    db: handle.db,
    handle,
    url: url.toString(),
    destroy: async () => {
      await handle.close();
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** Runs the same suite on every configured database: `describeEachDb('resume', (t) => { it(..., () => t().db) })`. */
export function describeEachDb(title: string, fn: (current: () => TestDatabase) => void) {
  for (const kind of testDbKinds()) {
    describe(`${title} [${kind}]`, () => {
      let t: TestDatabase | undefined;
      beforeAll(async () => {
        t = await createTestDatabase(kind);
      });
      afterAll(async () => {
        await t?.destroy();
      });
      fn(() => {
        if (!t) throw new Error('test database not ready');
        return t;
      });
    });
  }
}

/** The driver error behind a failed query (Drizzle wraps it in DrizzleQueryError with the SQL as message). */
export async function driverError(p: Promise<unknown>): Promise<{ message: string; code?: string }> {
  try {
    await p;
  } catch (e) {
    let err = e as { message: string; code?: string; cause?: unknown };
    while (err.cause && typeof err.cause === 'object' && !err.code) err = err.cause as typeof err;
    return err;
  }
  throw new Error('expected the query to fail, but it succeeded');
}
