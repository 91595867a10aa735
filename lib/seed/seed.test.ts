import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/lib/db/client';
import { checkpointTypes, pauseTypes, recoveryStatuses, resolutions, sessionStatuses } from '@/lib/db/schema';
import { createTestDatabase, describeEachDb } from '@/lib/test/db';
import { buildDemoRows } from './demo';
import { countSeededRows, seed, seedIfEmpty } from './index';

const now = new Date('2026-03-01T12:00:00Z');
const lit = (d: Date) => `'${d.toISOString()}'::timestamptz`;

describeEachDb('seed demo', (t) => {
  const rows = <T = Record<string, unknown>>(text: string) => queryRows<T>(t().db, sql.raw(text));
  const values = async (text: string, column: string) => (await rows(text)).map((r) => String(r[column])).sort();

  it('seeds a fresh database and refuses a second time without force', async () => {
    const first = await seed(t().db, { scale: 'demo', now });
    expect(first.ok).toBe(true);
    const again = await seedIfEmpty(t().db, 'demo');
    expect(again).toEqual({ ok: false, reason: 'not_empty', sessions: 60 });
  });

  it('covers every session status, pause type, resolution, checkpoint type and recovery status', async () => {
    expect(await values('SELECT DISTINCT status FROM agent_sessions', 'status')).toEqual([...sessionStatuses].sort());
    expect(await values('SELECT DISTINCT pause_type FROM paused_sessions', 'pause_type')).toEqual([...pauseTypes].sort());
    expect(await values('SELECT DISTINCT pause_type FROM paused_sessions WHERE resolved', 'pause_type')).toEqual([...pauseTypes].sort());
    expect(await values('SELECT DISTINCT resolution FROM paused_sessions WHERE resolved', 'resolution')).toEqual([...resolutions].sort());
    expect(await values('SELECT DISTINCT checkpoint_type FROM session_checkpoints', 'checkpoint_type')).toEqual(
      [...checkpointTypes].sort(),
    );
    expect(await values('SELECT DISTINCT recovery_status FROM checkpoint_recoveries', 'recovery_status')).toEqual(
      [...recoveryStatuses].sort(),
    );
    const [invalid] = await rows<{ n: number }>('SELECT count(*)::int AS n FROM session_checkpoints WHERE NOT is_valid AND invalidation_reason IS NOT NULL');
    expect(Number(invalid.n)).toBeGreaterThan(0);
  });

  it('opens exactly one pause per paused session and one recovery per recovering session', async () => {
    const mismatched = await rows(`
      SELECT s.id FROM agent_sessions s
      LEFT JOIN paused_sessions p ON p.session_id = s.id AND NOT p.resolved
      GROUP BY s.id, s.status
      HAVING (s.status = 'paused') <> (count(p.id) = 1) OR count(p.id) > 1`);
    expect(mismatched).toEqual([]);
    const recovering = await rows(`
      SELECT s.id FROM agent_sessions s
      LEFT JOIN checkpoint_recoveries r ON r.session_id = s.id AND r.recovery_status = 'in_progress'
      GROUP BY s.id, s.status
      HAVING (s.status = 'recovering') <> (count(r.id) = 1) OR count(r.id) > 1`);
    expect(recovering).toEqual([]);
  });

  it('answers the seeds\u2019 monitoring SQL and views with rows', async () => {
    const byType = await rows<{ pause_type: string; count: number }>('SELECT pause_type, COUNT(*) FROM paused_sessions GROUP BY pause_type;');
    expect(byType).toHaveLength(pauseTypes.length);
    const [open] = await rows<{ count: number }>('SELECT COUNT(*) FROM paused_sessions WHERE resolved = FALSE;');
    const [paused] = await rows<{ n: number }>("SELECT count(*)::int AS n FROM agent_sessions WHERE status = 'paused'");
    expect(Number(open.count)).toBe(Number(paused.n));
    expect(await rows('SELECT checkpoint_type, COUNT(*) FROM session_checkpoints GROUP BY checkpoint_type;')).toHaveLength(
      checkpointTypes.length,
    );
    const recovery = await rows<{ recovery_status: string; avg: string | null }>(
      'SELECT recovery_status, COUNT(*), AVG(recovery_duration_seconds) FROM v_checkpoint_recovery_history GROUP BY recovery_status;',
    );
    expect(recovery).toHaveLength(recoveryStatuses.length);
    expect(recovery.find((r) => r.recovery_status === 'succeeded')?.avg).not.toBeNull();
    for (const view of ['v_active_interventions', 'v_resumable_checkpoints', 'v_latest_checkpoints', 'v_intervention_history']) {
      expect((await rows(`SELECT * FROM ${view}`)).length, view).toBeGreaterThan(0);
    }
  });

  it('gives each pause its trail and each transition its event, in a session timeline', async () => {
    const withoutTrail = await rows(`
      SELECT p.id FROM paused_sessions p
      WHERE NOT EXISTS (SELECT 1 FROM intervention_actions a WHERE a.paused_session_id = p.id AND a.action = 'paused')
         OR (p.resolved AND NOT EXISTS (SELECT 1 FROM intervention_actions a WHERE a.paused_session_id = p.id AND a.action = p.resolution))`);
    expect(withoutTrail).toEqual([]);
    const [counts] = await rows<Record<string, number>>(`SELECT
      (SELECT count(*)::int FROM paused_sessions) AS pauses,
      (SELECT count(*)::int FROM execution_events WHERE event_type = 'session_paused') AS paused_events,
      (SELECT count(*)::int FROM session_checkpoints) AS checkpoints,
      (SELECT count(*)::int FROM execution_events WHERE event_type = 'checkpoint_created') AS checkpoint_events,
      (SELECT count(*)::int FROM checkpoint_recoveries) AS recoveries,
      (SELECT count(*)::int FROM execution_events WHERE event_type = 'recovery_started') AS recovery_events,
      (SELECT count(*)::int FROM execution_events e WHERE e.aggregate_type = 'session'
         AND NOT EXISTS (SELECT 1 FROM agent_sessions s WHERE s.id::text = e.aggregate_id)) AS orphan_events`);
    expect(Number(counts.paused_events)).toBe(Number(counts.pauses));
    expect(Number(counts.checkpoint_events)).toBe(Number(counts.checkpoints));
    expect(Number(counts.recovery_events)).toBe(Number(counts.recoveries));
    expect(Number(counts.orphan_events)).toBe(0);
    const c = await countSeededRows(t().db);
    expect(c.execution_events).toBeGreaterThan(2000);
    expect(c.user_tool_history).toBeGreaterThan(2000);
    expect(c.deployment_checklists).toBe(2);
    expect(c.checklist_signoffs).toBe(1);
  });

  it('seeds live sessions the background jobs leave alone: fresh heartbeats, young restores, readable reasons', async () => {
    const [oldest] = await rows<{ heartbeat_age_s: number; restore_age_s: number }>(`SELECT
      (SELECT max(extract(epoch FROM (${lit(now)} - last_heartbeat_at))) FROM agent_sessions
        WHERE status IN ('running', 'recovering'))::float AS heartbeat_age_s,
      (SELECT max(extract(epoch FROM (${lit(now)} - started_at))) FROM checkpoint_recoveries
        WHERE recovery_status = 'in_progress')::float AS restore_age_s`);
    // HEARTBEAT_STALE_S and RECOVERY_ABANDON_AFTER_S default to 120 s and 900 s.
    expect(oldest.heartbeat_age_s).toBeLessThan(60);
    expect(oldest.restore_age_s).toBeLessThan(240);
    const texts = await rows<{ text: string }>(`
      SELECT error AS text FROM checkpoint_recoveries WHERE error IS NOT NULL
      UNION ALL SELECT error FROM agent_sessions WHERE error IS NOT NULL
      UNION ALL SELECT metadata->>'error' FROM execution_events WHERE metadata ? 'error'`);
    expect(texts.filter((r) => /\b[A-Z]+_[A-Z_]+\b/.test(r.text))).toEqual([]);
    const abandoned = await values("SELECT DISTINCT error FROM checkpoint_recoveries WHERE recovery_status = 'abandoned'", 'error');
    expect(abandoned).toEqual(['The agent did not report an outcome within 15 minutes of the restore']);
  });

  it('seeds retries only of kinds a Postgres server gives, and none into the embedded database', async () => {
    const classes = await values('SELECT DISTINCT error_class FROM db_retry_log', 'error_class');
    expect(classes.length).toBeGreaterThan(0);
    const embedded = await createTestDatabase('pglite');
    try {
      await seed(embedded.db, { scale: 'demo', now, embedded: true });
      expect((await countSeededRows(embedded.db)).db_retry_log).toBe(0);
    } finally {
      await embedded.destroy();
    }
  });

  it('seeds a second fresh database with the same counts', async () => {
    const other = await createTestDatabase(t().kind);
    try {
      await seed(other.db, { scale: 'demo', now });
      expect(await countSeededRows(other.db)).toEqual(await countSeededRows(t().db));
    } finally {
      await other.destroy();
    }
  });

  it('stores checkpoint sizes and hashes of the stored history, and recent timestamps', async () => {
    const bad = await rows(`SELECT id FROM session_checkpoints
      WHERE size_bytes <= 0 OR content_hash !~ '^[0-9a-f]{64}$' OR jsonb_array_length(conversation_history) = 0`);
    expect(bad).toEqual([]);
    const [range] = await rows<{ oldest: string; newest: string }>(
      'SELECT min(created_at) AS oldest, max(created_at) AS newest FROM execution_events',
    );
    expect(new Date(range.newest).getTime()).toBeLessThanOrEqual(now.getTime());
    expect(new Date(range.oldest).getTime()).toBeGreaterThanOrEqual(now.getTime() - 31 * 86_400_000);
  });
});

it('builds the same demo data on every run', () => {
  const a = buildDemoRows(now).rows;
  const b = buildDemoRows(now).rows;
  expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  expect(JSON.stringify(buildDemoRows(now, 60).rows.sessions)).not.toBe(JSON.stringify(a.sessions));
});

describeEachDb('seed large shapes at another scale (xlarge / 100)', (t) => {
  it('scales every table by its target, and the events land in their month partitions', async () => {
    const { xlargeTargets } = await import('./large');
    const targets = Object.fromEntries(Object.entries(xlargeTargets).map(([k, v]) => [k, v / 100])) as typeof xlargeTargets;
    expect(await seed(t().db, { scale: 'xlarge', now, embedded: true, targets })).toMatchObject({ ok: true });
    const c = await countSeededRows(t().db);
    // + the two benchmark sessions, their 201 checkpoints and 1,002 events; + each pause's and recovery's events.
    expect(c.agent_sessions).toBe(targets.sessions + 2);
    expect(c.session_checkpoints).toBe(targets.checkpoints + 201);
    expect(c.paused_sessions).toBe(targets.pauses);
    expect(c.checkpoint_recoveries).toBe(targets.recoveries);
    expect(c.user_tool_history).toBe(targets.tools);
    expect(c.execution_events).toBeGreaterThanOrEqual(targets.events + 1002 + targets.pauses + targets.recoveries);
    const [open] = await queryRows<{ n: number }>(t().db, sql`SELECT count(*)::int AS n FROM paused_sessions WHERE NOT resolved`);
    expect(Number(open.n)).toBe((targets.sessions / 100) * 4);
    const parts = await queryRows<{ part: string }>(
      t().db,
      sql`SELECT DISTINCT tableoid::regclass::text AS part FROM execution_events`,
    );
    expect(parts.map((p) => p.part).every((p) => /^execution_events_p\d{6}$/.test(p))).toBe(true);
    // 100k events, 50k tool executions and 10k sessions into PGlite: ~20 s alone, 70 s seen with the machine busy.
  }, 240_000);
});
