import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiToken } from '@/lib/auth/tokens';
import { metricsRegistry } from '@/lib/observability/prometheus';
import { getHealth } from '@/lib/observability/stats';
import { listSessions } from '@/lib/sessions/queries';
import { callApi } from '@/lib/test/api';
import { makeSession } from '@/lib/test/factories';
import { findPgBin, startPgReplica, startPgServer, type PgServer } from '@/lib/test/pg-server';
import { createDb, getDb, queryRows, setDbHandleForTests, type Db, type DbHandle } from './client';
import { migrate } from './migrate';
import { createReplicaRouter, getReadDb, setReplicaRouterForTests, type ReplicaRouter } from './replica';

vi.mock('server-only', () => ({}));

/**
 * Replica routing on a real streaming replica: a private primary (initdb) and a replica of it (pg_basebackup -R),
 * both started here. Reads for dashboards and lists (getReadDb) land on the replica; the agent API and commands
 * on the primary; a lagging or stopped replica is skipped within the probe's bound and health says degraded.
 */
const bin = findPgBin();
const missing = !bin ? 'no initdb under /usr/lib/postgresql/*/bin' : !fs.existsSync(path.join(bin, 'pg_basebackup')) ? `no pg_basebackup in ${bin}` : null;
if (missing) console.warn(`lib/db/replica.test.ts skipped: ${missing} (install the Debian postgresql package to run it)`);

const where = async (db: Db) =>
  (await queryRows<{ port: number; recovery: boolean }>(db, sql`SELECT inet_server_port() AS port, pg_is_in_recovery() AS recovery`))[0];

/** Stops replay on the replica and waits until it has stopped (a pause request takes effect asynchronously). */
async function pauseReplay(admin: DbHandle) {
  await admin.sql!`SELECT pg_wal_replay_pause()`;
  await until(async () => (await admin.sql!`SELECT pg_get_wal_replay_pause_state() AS s`)[0].s === 'paused', 5000, 'replay paused');
}

/** Polls `fn` until it returns true; fails after `ms`. */
async function until(fn: () => Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not within ${ms} ms: ${what}`);
}

describe.skipIf(Boolean(missing))('read replicas (a private primary and its streaming replica)', () => {
  let primary: PgServer;
  let replica: PgServer;
  let handle: DbHandle;
  let router: ReplicaRouter;
  let strict: ReplicaRouter;
  let token = '';
  const cleanup = () => {
    replica?.destroy();
    primary?.destroy();
  };

  beforeAll(async () => {
    process.once('exit', cleanup);
    primary = await startPgServer();
    handle = await createDb({ url: primary.url, poolMax: 4, metricsFlushMs: 0 });
    await migrate(handle.db);
    token = (await createApiToken(handle.db, { name: 'runner', scopes: ['ingest', 'control'] })).token;
    replica = await startPgReplica(primary);
    setDbHandleForTests(handle);
    router = await createReplicaRouter({ urls: [replica.url], maxLagS: 60, cacheMs: 200, checkTimeoutMs: 1000 });
    strict = await createReplicaRouter({ urls: [replica.url], maxLagS: 1, cacheMs: 200, checkTimeoutMs: 1000 });
    setReplicaRouterForTests(router);
    // A fresh replica has replayed no commit yet (pg_last_xact_replay_timestamp() is null), so its lag is unknown
    // (skipped) as soon as WAL arrives that it has not replayed: let it replay one first.
    await makeSession(handle.db, { project: 'warm-up' });
    await until(
      async () => {
        const db = await getReadDb();
        return (await where(db)).port === replica.port && (await listSessions(db, { project: 'warm-up' })).rows.length === 1;
      },
      10_000,
      'the replica replays a first commit',
    );
  }, 60_000);

  afterAll(async () => {
    setReplicaRouterForTests(undefined);
    setDbHandleForTests(undefined);
    await Promise.all([router?.close(), strict?.close()]);
    await handle?.close();
    cleanup();
  }, 30_000);

  it('list reads go to the replica; the agent API writes and reads its own writes on the primary', async () => {
    expect(await where(await getReadDb())).toEqual({ port: replica.port, recovery: true });
    expect(await where(await getDb())).toEqual({ port: primary.port, recovery: false });

    // Hold the replica still: what the agent API writes now exists only on the primary.
    const admin = await createDb({ url: replica.url, instrument: false });
    try {
      await pauseReplay(admin);
      const created = await callApi('POST', '/api/v1/sessions', { token, body: { project: 'replica', agent: 'coder', externalId: 'r-1' } });
      expect(created.status).toBe(201);
      const id = (created.json as { session: { id: string } }).session.id;
      // The agent reads its own write at once: the API is on the primary.
      expect((await callApi('GET', `/api/v1/sessions/${id}/control`, { token })).status).toBe(200);
      // The Sessions list reads the replica, which has not replayed it yet.
      expect((await listSessions(await getReadDb(), { project: 'replica' })).rows).toEqual([]);
      expect((await listSessions(await getDb(), { project: 'replica' })).rows.map((r) => r.id)).toEqual([id]);

      await admin.sql!`SELECT pg_wal_replay_resume()`;
      await until(async () => (await listSessions(await getReadDb(), { project: 'replica' })).rows.length === 1, 10_000, 'the replica replays the new session');
    } finally {
      await admin.sql!`SELECT pg_wal_replay_resume()`.catch(() => {});
      await admin.close();
    }
  }, 30_000);

  it('a replica further behind than REPLICA_MAX_LAG_S is skipped: reads on the primary, health degraded', async () => {
    setReplicaRouterForTests(strict);
    const admin = await createDb({ url: replica.url, instrument: false });
    try {
      await pauseReplay(admin);
      await makeSession(handle.db, { project: 'replica' }); // a command, on the primary
      await until(async () => (await where(await getReadDb())).port === primary.port, 10_000, 'reads fall back to the primary');
      const health = await getHealth(handle);
      expect(health.status).toBe('degraded');
      expect(health.replicas).toEqual([expect.objectContaining({ state: 'lagging', inRecovery: true })]);
      expect(health.replicas[0].lagS).toBeGreaterThan(1);

      await admin.sql!`SELECT pg_wal_replay_resume()`;
      await until(async () => (await where(await getReadDb())).port === replica.port, 10_000, 'reads return to the caught-up replica');
      expect((await getHealth(handle)).replicas).toEqual([expect.objectContaining({ state: 'ok', lagS: 0 })]);
    } finally {
      await admin.sql!`SELECT pg_wal_replay_resume()`.catch(() => {});
      await admin.close();
      setReplicaRouterForTests(router);
    }
  }, 30_000);

  it('a replica that stops between two probes costs no read: the statement runs again on the primary', async () => {
    const sticky = await createReplicaRouter({ urls: [replica.url], maxLagS: 60, cacheMs: 60_000, checkTimeoutMs: 1000 });
    setReplicaRouterForTests(sticky);
    try {
      expect(await where(await getReadDb())).toEqual({ port: replica.port, recovery: true });
      const onReplica = await getReadDb(); // chosen while the replica was healthy (verdict cached for a minute)
      await replica.stop();
      expect(await where(onReplica)).toEqual({ port: primary.port, recovery: false });
      expect((await listSessions(onReplica, { project: 'replica' })).rows.length).toBeGreaterThan(0);
      // Marked down at once: the next reads do not try it again until a probe says it is back.
      expect(await sticky.status()).toEqual([expect.objectContaining({ state: 'down' })]);
      expect(await where(await getReadDb())).toEqual({ port: primary.port, recovery: false });
    } finally {
      setReplicaRouterForTests(router);
      await sticky.close();
      await replica.start();
    }
  }, 30_000);

  it('a stopped replica is skipped within the probe bound; health is degraded, not unavailable; it is used again once back', async () => {
    const healthyBefore = await getHealth(handle);
    expect(healthyBefore.status).toBe('ok');
    expect(healthyBefore.replicas).toEqual([expect.objectContaining({ state: 'ok', inRecovery: true })]);

    await replica.stop();
    await new Promise((r) => setTimeout(r, 250)); // past the 200 ms cache
    const started = performance.now();
    expect(await where(await getReadDb())).toEqual({ port: primary.port, recovery: false });
    expect(performance.now() - started).toBeLessThan(2500); // the probe bound (1 s) and one query, on a busy machine
    const health = await getHealth(handle);
    expect(health.status).toBe('degraded');
    expect(health.database.reachable).toBe(true);
    expect(health.replicas).toEqual([expect.objectContaining({ state: 'down', lagS: null })]);
    const scraped = await metricsRegistry().metrics();
    expect(scraped).toContain(`flightdeck_db_replica_state{replica="${replica.url}",state="down"} 1`);
    expect(scraped).toContain(`flightdeck_db_replica_lag_seconds{replica="${replica.url}"} -1`);

    await replica.start();
    await until(async () => (await where(await getReadDb())).port === replica.port, 15_000, 'reads return to the restarted replica');
  }, 40_000);
});
