import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/lib/db/client';
import { sessionCheckpoints } from '@/lib/db/schema';
import { pauseSession } from '@/lib/interventions/commands';
import { describeEachDb } from '@/lib/test/db';
import { agent, engineer, makeCheckpoint, makeSession } from '@/lib/test/factories';
import { invalidateCheckpoints } from './commands';
import { completeRecovery, startRecovery } from './recovery';
import { pruneCheckpoints } from './retention';

async function sequencesOf(db: Parameters<typeof pruneCheckpoints>[0], sessionId: string) {
  const rows = await db
    .select({ sequence: sessionCheckpoints.sequence })
    .from(sessionCheckpoints)
    .where(eq(sessionCheckpoints.sessionId, sessionId))
    .orderBy(sessionCheckpoints.sequence);
  return rows.map((r) => r.sequence);
}

describeEachDb('checkpoint retention', (t) => {
  it('keeps the newest N per session and deletes the rest in batches', async () => {
    const a = await makeSession(t().db);
    const b = await makeSession(t().db);
    for (let n = 1; n <= 7; n++) await makeCheckpoint(t().db, a.id, n);
    for (let n = 1; n <= 2; n++) await makeCheckpoint(t().db, b.id, n);
    const r = await pruneCheckpoints(t().db, { keepLast: 3, batchSize: 2 });
    expect(r.deleted).toBeGreaterThanOrEqual(4);
    expect(await sequencesOf(t().db, a.id)).toEqual([5, 6, 7]);
    expect(await sequencesOf(t().db, b.id)).toEqual([1, 2]);
  });

  it('never prunes a checkpoint an open pause or any recovery points at', async () => {
    const s = await makeSession(t().db);
    const cps = [];
    for (let n = 1; n <= 6; n++) cps.push(await makeCheckpoint(t().db, s.id, n));
    // A finished recovery from #1: history keeps it.
    const rec = await startRecovery(t().db, { sessionId: s.id, checkpointId: cps[0].id }, engineer());
    if (!rec.ok) throw new Error(`restore refused: ${rec.reason}`);
    await completeRecovery(t().db, { recoveryId: rec.recovery.id, status: 'succeeded' }, agent);
    // An open pause pointing at #2.
    const p = await pauseSession(t().db, { sessionId: s.id, reason: 'blocked', pauseType: 'blocker', checkpointId: cps[1].id }, agent);
    expect(p.ok).toBe(true);
    await pruneCheckpoints(t().db, { keepLast: 2 });
    expect(await sequencesOf(t().db, s.id)).toEqual([1, 2, 5, 6]);
  });

  it('keeps the latest valid checkpoint even when the newest ones are invalid', async () => {
    const s = await makeSession(t().db);
    const cps = [];
    for (let n = 1; n <= 5; n++) cps.push(await makeCheckpoint(t().db, s.id, n));
    await invalidateCheckpoints(t().db, { checkpointId: cps[3].id, andLater: true, reason: 'bad tool output' }, engineer());
    await pruneCheckpoints(t().db, { keepLast: 2 });
    expect(await sequencesOf(t().db, s.id)).toEqual([3, 4, 5]);
    const restore = await startRecovery(t().db, { sessionId: s.id }, engineer());
    expect(restore).toMatchObject({ ok: true, checkpoint: { sequence: 3 } });
  });

  it('another instance holding the prune lock makes this run skip', async (ctx) => {
    // PGlite has one connection: there is no second instance to hold the lock.
    if (t().kind !== 'postgres') ctx.skip();
    const s = await makeSession(t().db);
    for (let n = 1; n <= 3; n++) await makeCheckpoint(t().db, s.id, n);
    await t().db.transaction(async (tx) => {
      await queryRows(tx, sql`SELECT pg_advisory_xact_lock(7301001)`);
      const r = await pruneCheckpoints(t().db, { keepLast: 1 });
      expect(r).toMatchObject({ skipped: true, deleted: 0 });
    });
    expect(await pruneCheckpoints(t().db, { keepLast: 1 })).toMatchObject({ skipped: false });
    expect(await sequencesOf(t().db, s.id)).toEqual([3]);
  });

  it('keepLast 0 turns retention off', async () => {
    const s = await makeSession(t().db);
    for (let n = 1; n <= 3; n++) await makeCheckpoint(t().db, s.id, n);
    expect(await pruneCheckpoints(t().db, { keepLast: 0 })).toMatchObject({ skipped: true });
    expect(await sequencesOf(t().db, s.id)).toEqual([1, 2, 3]);
  });
});
