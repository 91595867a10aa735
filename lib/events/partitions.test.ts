import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, queryRows, type Db } from '@/lib/db/client';
import { readMigrations } from '@/lib/db/migrate';
import { pauseSession, resumeSession } from '@/lib/interventions/commands';
import { listSessionTimeline } from '@/lib/sessions/timeline';
import { createTestDatabase, describeEachDb, testDbKinds, type TestDatabase } from '@/lib/test/db';
import { agent, engineer, makeCheckpoint, makeSession } from '@/lib/test/factories';
import { ingestEvents } from './ingest';
import { ensureEventPartitions, listEventPartitions, pruneEventPartitions } from './partitions';

/** A second app instance on the same database: its own pool on Postgres; PGlite has one connection, so itself. */
async function secondInstance(t: TestDatabase): Promise<{ db: Db; close(): Promise<void> }> {
  if (t.kind === 'pglite') return { db: t.db, close: async () => {} };
  const h = await createDb({ url: t.url!, poolMax: 2 });
  return { db: h.db, close: () => h.close() };
}

async function insertEvent(db: Db, input: { sessionId: string; at: string; type?: string; eventId?: string }) {
  await db.execute(sql`INSERT INTO execution_events (event_id, event_type, aggregate_type, aggregate_id, created_at)
    VALUES (${input.eventId ?? randomUUID()}, ${input.type ?? 'step'}, 'session', ${input.sessionId}, ${input.at}::timestamptz)`);
}

async function whereIs(db: Db, sessionId: string) {
  return queryRows<{ part: string; type: string }>(
    db,
    sql`SELECT tableoid::regclass::text AS part, event_type AS type FROM execution_events
         WHERE aggregate_id = ${sessionId} AND created_at < '2021-01-01' ORDER BY created_at`,
  );
}

describeEachDb('event partitions', (t) => {
  it('creates the current month and the next two once when two instances run at the same moment', async () => {
    const other = await secondInstance(t());
    try {
      const now = new Date('2031-03-15T12:00:00Z');
      const [a, b] = await Promise.all([ensureEventPartitions(t().db, { now }), ensureEventPartitions(other.db, { now })]);
      expect([...a.created, ...b.created].sort()).toEqual([
        'execution_events_p203103',
        'execution_events_p203104',
        'execution_events_p203105',
      ]);
      const names = (await listEventPartitions(t().db)).map((p) => p.name);
      expect(names.filter((n) => n.startsWith('execution_events_p2031'))).toHaveLength(3);
      // The parent's indexes and the per-partition event_id key exist on the new partitions too.
      const [idx] = await queryRows<{ n: number }>(
        t().db,
        sql`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'execution_events_p203104'`,
      );
      expect(Number(idx.n)).toBe(6);
    } finally {
      await other.close();
    }
  });

  it('keeps an event outside every partition in the default one and moves it when its month is created', async () => {
    const s = await makeSession(t().db);
    await insertEvent(t().db, { sessionId: s.id, at: '2032-07-04T00:00:00Z', type: 'far_future' });
    const [before] = await queryRows<{ part: string }>(
      t().db,
      sql`SELECT tableoid::regclass::text AS part FROM execution_events WHERE event_type = 'far_future'`,
    );
    expect(before.part).toBe('execution_events_default');
    const r = await ensureEventPartitions(t().db, { now: new Date('2032-06-01T00:00:00Z') });
    expect(r.created).toContain('execution_events_p203207');
    const [after] = await queryRows<{ part: string }>(
      t().db,
      sql`SELECT tableoid::regclass::text AS part FROM execution_events WHERE event_type = 'far_future'`,
    );
    expect(after.part).toBe('execution_events_p203207');
  });

  it('gives rows stranded in the default partition their month on the next pass, but not kept rows past retention', async () => {
    const s = await makeSession(t().db);
    await insertEvent(t().db, { sessionId: s.id, at: '2033-02-10T00:00:00Z', type: 'stranded' });
    await insertEvent(t().db, { sessionId: s.id, at: '2019-05-10T00:00:00Z', type: 'kept_long_ago' });
    const r = await ensureEventPartitions(t().db, { now: new Date('2033-06-01T00:00:00Z'), monthsAhead: 0, retentionDays: 180 });
    expect(r.created).toEqual(['execution_events_p203306', 'execution_events_p203302']);
    const rows = await queryRows<{ part: string; type: string }>(
      t().db,
      sql`SELECT tableoid::regclass::text AS part, event_type AS type FROM execution_events
           WHERE aggregate_id = ${s.id} AND event_type IN ('stranded', 'kept_long_ago') ORDER BY created_at`,
    );
    await t().db.execute(sql`DELETE FROM execution_events WHERE aggregate_id = ${s.id} AND event_type = 'kept_long_ago'`);
    expect(rows).toEqual([
      { part: 'execution_events_default', type: 'kept_long_ago' },
      { part: 'execution_events_p203302', type: 'stranded' },
    ]);
  });

  it('drops a month past retention once with two instances, keeping what an open pause or a restorable checkpoint needs', async () => {
    await ensureEventPartitions(t().db, { now: new Date('2020-01-15T00:00:00Z'), monthsAhead: 0 });
    const paused = await makeSession(t().db);
    const checkpointed = await makeSession(t().db);
    const invalidated = await makeSession(t().db);
    const plain = await makeSession(t().db);
    const finished = await makeSession(t().db);
    for (const s of [paused, checkpointed, invalidated, plain, finished]) {
      await insertEvent(t().db, { sessionId: s.id, at: '2020-01-05T10:00:00Z', type: 'early' });
      await insertEvent(t().db, { sessionId: s.id, at: '2020-01-20T10:00:00Z', type: 'late' });
    }
    const pause = await pauseSession(t().db, { sessionId: paused.id, reason: 'stuck', pauseType: 'blocker' }, agent);
    if (!pause.ok) throw new Error(pause.reason);
    const valid = await makeCheckpoint(t().db, checkpointed.id, 1);
    const stale = await makeCheckpoint(t().db, invalidated.id, 1);
    // A valid checkpoint of a completed session: no restore can use it any more.
    const done = await makeCheckpoint(t().db, finished.id, 1);
    await t().db.execute(sql`UPDATE agent_sessions SET status = 'completed', ended_at = now() WHERE id = ${finished.id}`);
    await t().db.execute(
      sql`UPDATE session_checkpoints SET created_at = '2020-01-10T00:00:00Z' WHERE id IN (${valid.id}, ${stale.id}, ${done.id})`,
    );
    await t().db.execute(sql`UPDATE session_checkpoints SET is_valid = false, invalidated_at = now() WHERE id = ${stale.id}`);

    const other = await secondInstance(t());
    try {
      const [a, b] = await Promise.all([
        pruneEventPartitions(t().db, { retentionDays: 180 }),
        pruneEventPartitions(other.db, { retentionDays: 180 }),
      ]);
      expect([...a.dropped, ...b.dropped]).toEqual(['execution_events_p202001']);
      expect(a.kept + b.kept).toBe(3);
    } finally {
      await other.close();
    }
    expect((await listEventPartitions(t().db)).map((p) => p.name)).not.toContain('execution_events_p202001');
    const [gone] = await queryRows<{ r: string | null }>(t().db, sql`SELECT to_regclass('execution_events_p202001')::text AS r`);
    expect(gone.r).toBeNull();
    // The open pause's session keeps all its events, the checkpointed one those since its valid checkpoint.
    expect(await whereIs(t().db, paused.id)).toEqual([
      { part: 'execution_events_default', type: 'early' },
      { part: 'execution_events_default', type: 'late' },
    ]);
    expect(await whereIs(t().db, checkpointed.id)).toEqual([{ part: 'execution_events_default', type: 'late' }]);
    expect(await whereIs(t().db, invalidated.id)).toEqual([]);
    expect(await whereIs(t().db, plain.id)).toEqual([]);
    expect(await whereIs(t().db, finished.id)).toEqual([]);
    // What the engineer deciding on the pause sees: the old events are still on the session's timeline.
    const timeline = await listSessionTimeline(t().db, { sessionId: paused.id, limit: 500 });
    expect(timeline.items.map((i) => i.label)).toEqual(expect.arrayContaining(['early', 'late']));

    // Once the pause is resolved, the next pass deletes its kept events; the checkpoint's stay.
    const resumed = await resumeSession(t().db, { pausedSessionId: pause.pause.id }, engineer());
    expect(resumed.ok).toBe(true);
    const again = await pruneEventPartitions(t().db, { retentionDays: 180 });
    expect(again).toMatchObject({ dropped: [], deletedFromDefault: 2 });
    expect(await whereIs(t().db, paused.id)).toEqual([]);
    expect(await whereIs(t().db, checkpointed.id)).toEqual([{ part: 'execution_events_default', type: 'late' }]);
  });

  it('never drops the current month, and leaves a month inside the retention period', async () => {
    const now = new Date();
    await ensureEventPartitions(t().db, { now });
    const r = await pruneEventPartitions(t().db, { retentionDays: 0, now });
    const current = `execution_events_p${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(r.dropped).not.toContain(current);
    expect((await listEventPartitions(t().db)).map((p) => p.name)).toContain(current);
  });

  it('ingest still drops a replay stored in the previous month, within a batch and across batches', async () => {
    const s = await makeSession(t().db);
    const old = randomUUID();
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 3));
    await ensureEventPartitions(t().db, { now: lastMonth, monthsAhead: 0 });
    await insertEvent(t().db, { sessionId: s.id, at: lastMonth.toISOString(), eventId: old });
    const fresh = randomUUID();
    const ev = (eventId: string) => ({ eventId, eventType: 'tool_call', aggregateId: s.id });
    expect(await ingestEvents(t().db, { events: [ev(old), ev(fresh), ev(fresh.toUpperCase())] })).toEqual({
      received: 3,
      inserted: 1,
      duplicates: 2,
    });
    expect(await ingestEvents(t().db, { events: [ev(fresh), ev(old)] })).toMatchObject({ inserted: 0, duplicates: 2 });
    const [n] = await queryRows<{ n: number }>(
      t().db,
      sql`SELECT count(*)::int AS n FROM execution_events WHERE event_id IN (${old}, ${fresh})`,
    );
    expect(Number(n.n)).toBe(2);
  });
});

for (const kind of testDbKinds()) {
  describe(`migration 0010 on existing events [${kind}]`, () => {
    let t: TestDatabase | undefined;
    beforeAll(async () => {
      const all = readMigrations();
      const before = all.filter((m) => m.tag < '0010');
      t = await createTestDatabase(kind, { migrations: before });
    });
    afterAll(async () => {
      await t?.destroy();
    });

    it('moves every row into its month with its id, and ids continue after the largest', async () => {
      const db = t!.db;
      // A 0009 database: the session is inserted as 0009's table has it (today's schema has later columns).
      const [s] = await queryRows<{ id: string }>(
        db,
        sql`INSERT INTO agent_sessions (project, agent_name, external_id) VALUES ('p-0010', 'coder', ${randomUUID()}) RETURNING id`,
      );
      const ids: string[] = [randomUUID(), randomUUID(), randomUUID()];
      for (const [i, at] of ['2025-11-30T23:59:59Z', '2025-12-01T00:00:00Z', '2026-01-15T00:00:00Z'].entries()) {
        await insertEvent(db, { sessionId: s.id, at, eventId: ids[i] });
      }
      const beforeRows = await queryRows<{ id: number; event_id: string }>(
        db,
        sql`SELECT id, event_id FROM execution_events ORDER BY id`,
      );
      const { migrate } = await import('@/lib/db/migrate');
      expect((await migrate(db)).applied).toContain('0010_partition_execution_events');
      const afterRows = await queryRows<{ id: number; event_id: string; part: string }>(
        db,
        sql`SELECT id, event_id, tableoid::regclass::text AS part FROM execution_events ORDER BY id`,
      );
      expect(afterRows.map(({ id, event_id }) => ({ id, event_id }))).toEqual(beforeRows);
      expect(afterRows.filter((r) => ids.includes(r.event_id)).map((r) => r.part)).toEqual([
        'execution_events_p202511',
        'execution_events_p202512',
        'execution_events_p202601',
      ]);
      const [{ id }] = await queryRows<{ id: number }>(
        db,
        sql`INSERT INTO execution_events (event_type, aggregate_type, aggregate_id) VALUES ('x', 'session', ${s.id}) RETURNING id`,
      );
      expect(Number(id)).toBeGreaterThan(Math.max(...beforeRows.map((r) => Number(r.id))));
    });
  });
}
