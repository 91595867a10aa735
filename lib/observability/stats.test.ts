import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { GET as health } from '@/app/api/health/route';
import { GET as metrics } from '@/app/api/metrics/route';
import { GET as queries } from '@/app/api/metrics/queries/route';
import { createApiToken } from '@/lib/auth/tokens';
import { describeEachDb } from '@/lib/test/db';
import { getDatabaseStats, getHealth, getQueryStats, getServerActivity } from './stats';

describeEachDb('database statistics', (t) => {
  const useAsProcessHandle = () => {
    (globalThis as unknown as { __flightdeckDb?: unknown }).__flightdeckDb = Promise.resolve(t().handle);
  };

  it('report a reachable, migrated database as healthy', async () => {
    const report = await getHealth(t().handle);
    expect(report).toMatchObject({
      status: 'ok',
      database: { reachable: true, driver: t().kind },
      migrations: { current: true, pending: [] },
      pool: { status: 'healthy' },
    });
  });

  it('answer within the deadline, as unavailable, when the database does not answer', async () => {
    const stuck = new Proxy(t().db, {
      get: (target, prop) => (prop === 'execute' ? () => new Promise(() => {}) : Reflect.get(target, prop, target)),
    });
    const started = Date.now();
    const report = await getHealth({ ...t().handle, db: stuck }, { deadlineMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(report).toMatchObject({ status: 'unavailable', database: { reachable: false, error: 'no answer within 300 ms' } });
  });

  it('report pending migrations as unavailable', async () => {
    await t().db.execute(sql`DELETE FROM flightdeck_migrations WHERE tag LIKE '0001%'`);
    try {
      const report = await getHealth(t().handle);
      expect(report.status).toBe('unavailable');
      expect(report.migrations.pending[0]).toMatch(/^0001/);
    } finally {
      await t().db.execute(
        sql`INSERT INTO flightdeck_migrations (tag, hash) SELECT '0001_views_and_triggers', 'restored'
            WHERE NOT EXISTS (SELECT 1 FROM flightdeck_migrations WHERE tag LIKE '0001%')`,
      );
    }
  });

  it('count statements by template and show the server view where there is one', async () => {
    for (let i = 0; i < 5; i++) await t().db.execute(sql`SELECT ${i}::int AS n, 'stats-probe' AS tag`);
    const q = await getQueryStats({ handle: t().handle, limit: 200, orderBy: 'count' });
    const probe = q.top.find((r) => r.template.includes('stats-probe') || r.template.includes('? AS tag'));
    expect(probe?.count).toBe(5);
    const stats = await getDatabaseStats({ handle: t().handle });
    expect(stats.pool.queries).toBeGreaterThan(5);
    expect(stats.server.available).toBe(t().kind === 'postgres');
  });

  it('name the session holding a lock that another one waits for, with how long each has been open', async () => {
    if (t().kind !== 'postgres') {
      expect(await getServerActivity({ handle: t().handle })).toMatchObject({ available: false });
      return;
    }
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let holderPid = 0;
    const holder = t().db.transaction(async (tx) => {
      const [row] = (await tx.execute(sql`SELECT pg_backend_pid() AS pid`)) as unknown as { pid: number }[];
      holderPid = Number(row.pid);
      await tx.execute(sql`LOCK TABLE db_retry_log IN ACCESS EXCLUSIVE MODE`);
      await held;
    });
    while (!holderPid) await new Promise((r) => setTimeout(r, 10));
    // Drizzle queries start when awaited or then-ed: start this one now, it waits for the lock.
    const blocked = t().db.execute(sql`SELECT count(*) FROM db_retry_log`).then(() => undefined);
    try {
      let activity = await getServerActivity({ handle: t().handle });
      for (let i = 0; i < 100 && activity.available && activity.waitingLocks.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        activity = await getServerActivity({ handle: t().handle });
      }
      if (!activity.available) throw new Error(activity.reason);
      expect(activity.waitingLocks[0].blockedBy).toEqual([holderPid]);
      expect(activity.waitingLocks[0].seconds).toBeGreaterThanOrEqual(0);
      const tx = activity.longestTransactions.find((x) => x.pid === holderPid);
      expect(tx?.seconds).toBeGreaterThanOrEqual(0);
    } finally {
      release();
      await holder;
      await blocked;
    }
  });

  it('serve health, queries and Prometheus text through the route handlers', async () => {
    useAsProcessHandle();
    const h = await health();
    expect(h.status).toBe(200);
    expect((await h.json()).database.reachable).toBe(true);
    const { token } = await createApiToken(t().db, { name: 'scraper', scopes: ['metrics'] });
    const { token: ingestOnly } = await createApiToken(t().db, { name: 'agent', scopes: ['ingest'] });
    const ctx = { params: Promise.resolve({}) };
    const call = (url: string, bearer?: string) =>
      new Request(url, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : undefined);
    expect((await queries(call('http://x/api/metrics/queries?limit=3', ingestOnly), ctx)).status).toBe(403);
    const bad = await queries(call('http://x/api/metrics/queries?limit=0', token), ctx);
    expect(bad.status).toBe(400);
    const good = await queries(call('http://x/api/metrics/queries?limit=3', token), ctx);
    expect((await good.json()).top.length).toBeLessThanOrEqual(3);
    const text = await (await metrics(call('http://x/api/metrics', token), ctx)).text();
    expect(text).toMatch(/flightdeck_db_pool_size \d+/);
    expect(text).toMatch(/flightdeck_db_health\{status="healthy"\} 1/);
  });
});
