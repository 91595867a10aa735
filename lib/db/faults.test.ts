import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPgBin, startPgServer, type PgServer } from '@/lib/test/pg-server';
import { createDb, queryRows, type DbHandle } from './client';
import { migrate } from './migrate';
import { TimeoutError } from './errors';
import { classifyError, retryRecorder, unwrapDriverError, withRetry } from './retry';
import { dbRetryLog } from './schema';
import { monitorOf } from '@/lib/observability/install';

/**
 * Fault tests on a private Postgres server started by this file, so that it can kill backends and restart the
 * server. Reads survive both; a busy tiny pool fails fast with the pool's state; what must not be retried is not.
 */
const bin = findPgBin();
if (!bin) console.warn('faults.test.ts skipped: initdb not found under /usr/lib/postgresql/*/bin');

// Enough retries, with a cap, to outlast a fast restart of a local server (about a second).
process.env.MAX_RETRIES = '10';
process.env.RETRY_BACKOFF_CAP_MS = '1000';

describe.skipIf(!bin)('data layer under faults (private Postgres server)', () => {
  let server: PgServer;
  let admin: postgres.Sql;

  beforeAll(async () => {
    server = await startPgServer();
    admin = postgres(server.url, { max: 1, onnotice: () => {} });
    const h = await createDb({ url: server.url, poolMax: 2, metricsFlushMs: 0 });
    await migrate(h.db);
    await h.close();
  });

  afterAll(async () => {
    await admin?.end({ timeout: 1 }).catch(() => {});
    server?.destroy();
  });

  const open = (name: string, options: Parameters<typeof createDb>[0] = {}) =>
    createDb({ url: server.url, applicationName: name, metricsFlushMs: 0, ...options });

  const killBackends = (name: string) =>
    admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${name}`;

  // Slow on a loaded 2-core machine (every kill costs reconnects), hence the longer bound; the killer always stops.
  it('completes every read while backends are being killed, and counts the retries', { timeout: 180_000 }, async () => {
    const h = await open('fd-kill', { poolMax: 4 });
    let stop = false;
    let kills = 0;
    const killer = (async () => {
      while (!stop) {
        await new Promise((r) => setTimeout(r, 250));
        if (!stop) kills += (await killBackends('fd-kill').catch(() => [])).length;
      }
    })();
    try {
      const before = retryRecorder().stats().totalRetries;
      const results: number[] = [];
      const worker = async (w: number) => {
        for (let i = 0; i < 25; i++) {
          const rows = await queryRows<{ n: number }>(h.db, sql`SELECT ${w * 1000 + i}::int AS n, pg_sleep(0.005)`);
          results.push(rows[0].n);
          await h.db.select().from(dbRetryLog).limit(1);
        }
      };
      await Promise.all([0, 1, 2, 3, 4, 5].map(worker));
      expect(results).toHaveLength(150);
      expect(new Set(results).size).toBe(150);
      expect(kills).toBeGreaterThan(0);
      expect(retryRecorder().stats().totalRetries).toBeGreaterThan(before);
    } finally {
      stop = true;
      await killer;
      await h.close();
    }
  });

  it('completes every read of a loop during which the server restarts', async () => {
    const h = await open('fd-restart', { poolMax: 2 });
    try {
      const before = retryRecorder().stats().totalRetries;
      let done = false;
      let reads = 0;
      const loop = (async () => {
        while (!done) {
          const rows = await queryRows<{ ok: number }>(h.db, sql`SELECT 1 AS ok`);
          expect(rows[0].ok).toBe(1);
          reads++;
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      await new Promise((r) => setTimeout(r, 200));
      await server.restart();
      const afterRestart = reads;
      await new Promise((r) => setTimeout(r, 300));
      done = true;
      await loop;
      expect(reads).toBeGreaterThan(afterRestart);
      expect(retryRecorder().stats().totalRetries).toBeGreaterThan(before);
    } finally {
      await h.close();
    }
  });

  it('fails a caller of a busy tiny pool with a TimeoutError naming the pool state, without waiting for it', async () => {
    const h = await open('fd-timeout', { poolMax: 1, acquireTimeoutMs: 300, leakThresholdMs: 100 });
    try {
      const holder = h.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_sleep(3)`);
      });
      await new Promise((r) => setTimeout(r, 150));
      const started = Date.now();
      const wrapped = await h.db.execute(sql`SELECT 1`).catch((e) => e);
      const waited = Date.now() - started;
      // Drizzle wraps every driver error in DrizzleQueryError; ours is its cause.
      const err = unwrapDriverError(wrapped) as TimeoutError;
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err.message).toMatch(/pool size 1, in flight 1, waiting 1/);
      // It gave up on its own timeout, long before the holder's 3 s would have freed the connection.
      expect(waited).toBeLessThan(2500);
      const snap = monitorOf(h).snapshot();
      expect(snap.acquireTimeouts).toBe(1);
      expect(snap.suspectedLeaks[0]?.openedBy).toContain('faults.test.ts');
      expect(snap.health.status).toBe('unhealthy');
      await holder;
    } finally {
      await h.close();
    }
  });

  describe('writes', () => {
    let h: DbHandle;
    beforeAll(async () => {
      h = await open('fd-writes', { poolMax: 2 });
      await h.db.execute(sql`CREATE TABLE IF NOT EXISTS fault_items (id int PRIMARY KEY, attempt bigint NOT NULL)`);
      await h.db.execute(sql`CREATE SEQUENCE IF NOT EXISTS fault_attempts`);
    });
    afterAll(async () => {
      await h?.close();
    });
    const attempts = async () =>
      (await queryRows<{ n: string }>(h.db, sql`SELECT last_value AS n FROM fault_attempts`))[0].n;

    it('does not retry a unique violation', async () => {
      await h.db.execute(sql`INSERT INTO fault_items VALUES (1, nextval('fault_attempts'))`);
      const counted = await attempts();
      const err = await withRetry('insertFaultItem', () =>
        h.db.execute(sql`INSERT INTO fault_items VALUES (1, nextval('fault_attempts'))`),
      ).catch((e) => e);
      expect(classifyError(err)).toMatchObject({ kind: 'permanent', errorClass: 'unique_violation' });
      // nextval ran exactly once more: one attempt.
      expect(Number(await attempts())).toBe(Number(counted) + 1);
    });

    it('does not retry a write that was cut off mid-statement (ambiguous) unless declared idempotent', async () => {
      // Drizzle's query is lazy: .catch() sends it now (a bare execute() would only run when awaited, after the kill).
      const write = h.db
        .execute(sql`INSERT INTO fault_items SELECT 2, nextval('fault_attempts') FROM pg_sleep(1)`)
        .catch((e: unknown) => e);
      // Kill only once the INSERT is running on the server: before, the statement was sent only when awaited, after
      // the kill, so the test raced the idle connection's death (on a loaded machine the write sometimes succeeded).
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const running = await admin`SELECT 1 FROM pg_stat_activity
          WHERE application_name = 'fd-writes' AND state = 'active' AND query LIKE '%pg_sleep%'`;
        if (running.length) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await killBackends('fd-writes');
      const err = await write;
      expect(classifyError(err).kind).toBe('ambiguous');
      // A retry would have succeeded and inserted the row.
      const rows = await queryRows(h.db, sql`SELECT id FROM fault_items WHERE id = 2`);
      expect(rows).toHaveLength(0);
    });
  });

  it('keeps the per-minute roll-ups after the app is closed and opened again', async () => {
    const first = await open('fd-rollup', { poolMax: 2 });
    let calls = 0;
    await withRetry(
      'rollupProbe',
      async () => {
        if (++calls < 3) throw Object.assign(new Error('serialization'), { code: '40001' });
        return first.db.execute(sql`SELECT 1`);
      },
      { sleep: async () => {} },
    );
    await first.close();

    const second = await open('fd-rollup', { poolMax: 2 });
    try {
      const rows = await queryRows<{ retries: number; recovered: number; failed: number }>(
        second.db,
        sql`SELECT sum(retries)::int AS retries, sum(recovered)::int AS recovered, sum(failed)::int AS failed
            FROM db_retry_log WHERE operation = 'rollupProbe' AND error_class = 'serialization_failure'`,
      );
      expect(rows[0]).toEqual({ retries: 2, recovered: 1, failed: 0 });
      const minutes = await queryRows<{ queries: number }>(
        second.db,
        sql`SELECT sum(queries)::int AS queries FROM db_monitor_minutes`,
      );
      expect(minutes[0].queries).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });
});
