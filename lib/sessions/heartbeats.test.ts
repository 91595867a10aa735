import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { expect, it, vi } from 'vitest';
import { queryRows } from '@/lib/db/client';
import { agentSessions } from '@/lib/db/schema';
import { recordSignOfLife } from '@/lib/interventions/liveness';
import { describeEachDb } from '@/lib/test/db';
import { agent } from '@/lib/test/factories';
import { touchAndGetControlDecision } from './control';
import { livenessCommit, recordHeartbeats } from './heartbeats';

vi.mock('server-only', () => ({}));

/**
 * Heartbeats commit without waiting for the disk (livenessCommit) — only their own transaction: the connection's
 * setting and a caller's transaction stay synchronous, and the sign of life is visible at once.
 */
describeEachDb('heartbeat commits', (t) => {
  const session = async () =>
    (await t().db.insert(agentSessions).values({ project: 'p-hb', agentName: 'coder', externalId: randomUUID(), lastHeartbeatAt: new Date(0) }).returning({ id: agentSessions.id }))[0].id;
  const setting = async (db = t().db) => (await queryRows<{ v: string }>(db, sql`SELECT current_setting('synchronous_commit') AS v`))[0].v;
  const beat = async (id: string) => (await t().db.select({ at: agentSessions.lastHeartbeatAt }).from(agentSessions).where(eq(agentSessions.id, id)))[0].at;

  it('a heartbeat, a batch heartbeat and a control call move the sign of life, visible at once; the connection stays synchronous', async () => {
    const [a, b, c] = [await session(), await session(), await session()];
    const statuses = await recordSignOfLife(t().db, { sessionIds: [a], currentTask: 'x', asyncCommit: true }, agent);
    expect(statuses.get(a)).toBe('running');
    expect((await recordHeartbeats(t().db, [{ id: b }])).ok).toBe(true);
    expect((await touchAndGetControlDecision(t().db, { sessionId: c })).result.ok).toBe(true);
    for (const id of [a, b, c]) expect(Date.now() - (await beat(id)).getTime()).toBeLessThan(60_000);
    // set_config(…, true) ended with each statement's own transaction: every pooled connection is back to 'on'.
    for (let i = 0; i < 12; i++) expect(await setting()).toBe('on');
  });

  it('inside a caller’s transaction the heartbeat leaves that transaction synchronous', async () => {
    const id = await session();
    await t().db.transaction(async (tx) => {
      await recordSignOfLife(tx, { sessionIds: [id], asyncCommit: true }, agent);
      await recordHeartbeats(tx, [{ id }]);
      await touchAndGetControlDecision(tx, { sessionId: id });
      expect(await setting(tx)).toBe('on');
    });
  });

  it('outside a transaction the statement that carries it commits asynchronously', async () => {
    const id = await session();
    const [row] = await queryRows<{ v: string }>(
      t().db,
      sql`WITH touched AS (UPDATE agent_sessions SET last_heartbeat_at = now() WHERE id = ${id} RETURNING id)
          SELECT current_setting('synchronous_commit') AS v FROM touched ${livenessCommit(t().db)}`,
    );
    expect(row.v).toBe('off');
    expect(await setting()).toBe('on');
  });

  it('a sign of life is a HOT update: no index entry written (no index may cover last_heartbeat_at, drizzle/0018)', async () => {
    const [a, b, c] = [await session(), await session(), await session()];
    await t().db.transaction(async (tx) => {
      const hot = async () =>
        (await queryRows<{ upd: number; hot: number }>(
          tx,
          sql`SELECT n_tup_upd::int AS upd, n_tup_hot_upd::int AS hot FROM pg_stat_xact_user_tables WHERE relname = 'agent_sessions'`,
        ))[0];
      const before = await hot();
      await recordSignOfLife(tx, { sessionIds: [a], currentTask: 'reading the logs' }, agent);
      await recordHeartbeats(tx, [{ id: b, currentTask: 'x' }]);
      await touchAndGetControlDecision(tx, { sessionId: c });
      const after = await hot();
      expect(after.upd - before.upd).toBe(3);
      expect(after.hot - before.hot).toBe(3);
    });
  });
});

