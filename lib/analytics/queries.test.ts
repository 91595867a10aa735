import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/lib/db/client';
import { describeEachDb } from '@/lib/test/db';
import { listToolStatistics } from '@/lib/tools/stats';
import { getOverviewKpis, listInterventionsByType, listRecoveriesByStatus, listRetries, listToolSuccessTrend, listTopFailingTools } from './queries';
import { parseTimeRange } from './range';
import { seededRng } from './random';
import { refreshRollups } from './rollups';

const HOUR = 3_600_000;

describeEachDb('overview KPIs', (t) => {
  it('count active sessions and open pauses at the end of each period as the raw rows do', async () => {
    const db = t().db;
    const rng = seededRng(3);
    const now = Date.now();
    for (let i = 0; i < 40; i++) {
      const id = randomUUID();
      const started = now - rng() * 20 * 24 * HOUR;
      const ended = rng() < 0.6 ? Math.min(now - 1000, started + rng() * 5 * 24 * HOUR) : null;
      await db.execute(sql`INSERT INTO agent_sessions (id, project, agent_name, external_id, status, started_at, ended_at)
        VALUES (${id}, 'p', 'a', ${id}, ${ended ? 'completed' : 'running'}, ${new Date(started).toISOString()}::timestamptz,
          ${ended ? new Date(ended).toISOString() : null}::timestamptz)`);
      if (!ended && rng() < 0.5) {
        await db.execute(sql`INSERT INTO paused_sessions (session_id, reason, pause_type, paused_at)
          VALUES (${id}, 'r', 'blocker', ${new Date(now - rng() * 10 * 24 * HOUR).toISOString()}::timestamptz)`);
      }
      const resolvedPause = now - rng() * 10 * 24 * HOUR;
      await db.execute(sql`INSERT INTO paused_sessions (session_id, reason, pause_type, paused_at, resolved, resolved_at, resolution)
        VALUES (${id}, 'r', 'error', ${new Date(resolvedPause - 2 * HOUR).toISOString()}::timestamptz, true,
          ${new Date(resolvedPause).toISOString()}::timestamptz, 'resumed')`);
    }
    await refreshRollups(db);
    const range = parseTimeRange({ range: '7d' });
    const kpis = await getOverviewKpis(db, range);
    const [raw] = await queryRows<{ active_then: number; paused_then: number; active_now: number }>(
      db,
      sql`SELECT
        (SELECT count(*) FROM agent_sessions WHERE ended_at IS NULL)::int AS active_now,
        (SELECT count(*) FROM agent_sessions WHERE started_at < ${range.from.toISOString()}::timestamptz
          AND (ended_at IS NULL OR ended_at >= ${range.from.toISOString()}::timestamptz))::int AS active_then,
        (SELECT count(*) FROM paused_sessions WHERE paused_at < ${range.from.toISOString()}::timestamptz
          AND (resolved_at IS NULL OR resolved_at >= ${range.from.toISOString()}::timestamptz))::int AS paused_then`,
    );
    expect(kpis.activeSessions).toEqual({ current: Number(raw.active_now), previous: Number(raw.active_then) });
    expect(kpis.pausedNow.previous).toBe(Number(raw.paused_then));
    expect(kpis.medianTimeToResumeS.current).toBeGreaterThanOrEqual(4096);
    expect(kpis.medianTimeToResumeS.current).toBeLessThan(8192);
    expect(kpis.toolSuccessRate).toEqual({ current: null, previous: null });
    expect(await listTopFailingTools(db, range)).toEqual([]);
  });
});

describeEachDb('range reads over daily + hourly roll-ups', (t) => {
  it('give the raw rows\' figures for ranges that start and end inside a day', async () => {
    const db = t().db;
    const rng = seededRng(11);
    const now = Date.now();
    const at = () => new Date(now - rng() * 25 * 24 * HOUR).toISOString();
    const tools = Array.from({ length: 400 }, () => {
      const ok = rng() < 0.7;
      return sql`('u1', ${['search', 'code', 'fetch'][Math.floor(rng() * 3)]}, ${ok}, ${Math.floor(rng() * 5000)},
        ${rng() < 0.3 ? 1 + Math.floor(rng() * 5) : null}, ${at()}::timestamptz)`;
    });
    await db.execute(sql`INSERT INTO user_tool_history (user_id, tool_name, success, execution_time_ms, user_satisfaction, created_at)
      VALUES ${sql.join(tools, sql`, `)}`);
    for (let i = 0; i < 8; i++) {
      const id = randomUUID();
      await db.execute(sql`INSERT INTO agent_sessions (id, project, agent_name, external_id, started_at)
        VALUES (${id}, 'p', 'a', ${id}, ${new Date(now - 26 * 24 * HOUR).toISOString()}::timestamptz)`);
      const cp = randomUUID();
      await db.execute(sql`INSERT INTO session_checkpoints (id, session_id, sequence, checkpoint_type, conversation_history)
        VALUES (${cp}, ${id}, 1, 'manual', '[]'::jsonb)`);
      for (let p = 0; p < 10; p++) {
        const pausedAt = Date.parse(at());
        await db.execute(sql`INSERT INTO paused_sessions (session_id, reason, pause_type, paused_at, resolved, resolved_at, resolution)
          VALUES (${id}, 'r', ${['error', 'blocker', 'timeout'][p % 3]}, ${new Date(pausedAt).toISOString()}::timestamptz, true,
            ${new Date(pausedAt + rng() * 2 * HOUR).toISOString()}::timestamptz, 'resumed')`);
        const started = at();
        await db.execute(sql`INSERT INTO checkpoint_recoveries (checkpoint_id, session_id, recovery_method, recovery_status, started_at,
            completed_at)
          VALUES (${cp}, ${id}, 'manual', ${['succeeded', 'failed', 'abandoned'][p % 3]}, ${started}::timestamptz,
            ${started}::timestamptz + interval '1 minute')`);
      }
    }
    await refreshRollups(db);

    // From 07:00 to 17:00 UTC 9 days later: partial days at both edges, whole days in between (and in the previous
    // period, 17:00 to 07:00).
    const to = new Date(Math.floor(now / (24 * HOUR)) * 24 * HOUR - 7 * HOUR);
    const from = new Date(to.getTime() - 226 * HOUR);
    const range = { from, to, prevFrom: new Date(from.getTime() - 226 * HOUR), bucket: 'day' as const };
    const span = (col: string, a: Date, b: Date) =>
      sql`${sql.raw(col)} >= ${a.toISOString()}::timestamptz AND ${sql.raw(col)} < ${b.toISOString()}::timestamptz`;

    const raw = await queryRows<{ tool_name: string; n: number; ok: number; ms: number; sat: number | null }>(
      db,
      sql`SELECT tool_name, count(*)::int AS n, (count(*) FILTER (WHERE success))::int AS ok, sum(execution_time_ms)::float8 AS ms,
          avg(user_satisfaction)::float8 AS sat FROM user_tool_history WHERE ${span('created_at', from, to)} GROUP BY 1`,
    );
    const stats = await listToolStatistics(db, range);
    expect(stats.map((s) => [s.tool, s.executions, s.successRate, Math.round(s.meanMs * 1000), s.satisfaction?.toFixed(6) ?? null]).sort()).toEqual(
      raw.map((r) => [r.tool_name, Number(r.n), Number(r.ok) / Number(r.n), Math.round((Number(r.ms) / Number(r.n)) * 1000), r.sat === null ? null : Number(r.sat).toFixed(6)]).sort(),
    );

    const rawDays = await queryRows<{ d: string; n: number; ok: number }>(
      db,
      sql`SELECT fd_day(created_at) AS d, count(*)::int AS n, (count(*) FILTER (WHERE success))::int AS ok
        FROM user_tool_history WHERE ${span('created_at', from, to)} GROUP BY 1`,
    );
    const trend = (await listToolSuccessTrend(db, range)).filter((p) => p.executions > 0);
    expect(trend.map((p) => [p.bucket, p.executions, p.executions - p.failures]).sort()).toEqual(
      rawDays.map((r) => [new Date(r.d).toISOString(), Number(r.n), Number(r.ok)]).sort(),
    );

    const rawPauses = await queryRows<{ d: string; pause_type: string; n: number }>(
      db,
      sql`SELECT fd_day(paused_at) AS d, pause_type, count(*)::int AS n FROM paused_sessions WHERE ${span('paused_at', from, to)} GROUP BY 1, 2`,
    );
    const pauses = (await listInterventionsByType(db, { ...range })).flatMap((p) =>
      (['error', 'blocker', 'timeout'] as const).filter((k) => p[k] > 0).map((k) => [p.bucket, k, p[k]]),
    );
    expect(pauses.sort()).toEqual(rawPauses.map((r) => [new Date(r.d).toISOString(), r.pause_type, Number(r.n)]).sort());

    const rawRecoveries = await queryRows<{ status: string; n: number }>(
      db,
      sql`SELECT recovery_status AS status, count(*)::int AS n FROM checkpoint_recoveries WHERE ${span('started_at', from, to)} GROUP BY 1`,
    );
    const recoveries = await listRecoveriesByStatus(db, range);
    for (const r of rawRecoveries) {
      const status = r.status as 'succeeded' | 'failed' | 'abandoned';
      expect(recoveries.reduce((a, p) => a + p[status], 0)).toBe(Number(r.n));
    }

    const kpis = await getOverviewKpis(db, range);
    const open = (t: Date) =>
      sql`(SELECT count(*) FROM paused_sessions WHERE paused_at < ${t.toISOString()}::timestamptz
        AND (resolved_at IS NULL OR resolved_at >= ${t.toISOString()}::timestamptz))::int`;
    const [k] = await queryRows<{ cur: number; prev: number; open_from: number; open_to: number }>(
      db,
      sql`SELECT avg(success::int) FILTER (WHERE ${span('created_at', from, to)})::float8 AS cur,
        avg(success::int) FILTER (WHERE ${span('created_at', range.prevFrom, from)})::float8 AS prev,
        ${open(from)} AS open_from, ${open(to)} AS open_to
        FROM user_tool_history`,
    );
    expect(kpis.toolSuccessRate.current).toBeCloseTo(Number(k.cur), 12);
    expect(kpis.toolSuccessRate.previous).toBeCloseTo(Number(k.prev), 12);
    expect(kpis.pausedNow).toEqual({ current: Number(k.open_to), previous: Number(k.open_from) });
    expect(kpis.activeSessions).toEqual({ current: 8, previous: 8 });
  });
});

describeEachDb('database retries chart', (t) => {
  it('buckets a week by day, like the other charts, and keeps every retry', async () => {
    const db = t().db;
    const now = Date.now();
    const at = [now - 6 * 24 * HOUR, now - 3 * 24 * HOUR, now - 2 * HOUR].map((ms) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString());
    for (const [i, minute] of at.entries()) {
      await db.execute(sql`INSERT INTO db_retry_log (minute, operation, error_class, retries, recovered, failed)
        VALUES (${minute}::timestamptz, 'q', 'connection_lost', ${i + 2}, ${i + 1}, 0)`);
    }
    await refreshRollups(db);
    const week = await listRetries(db, parseTimeRange({ range: '7d' }));
    expect(week.length).toBeLessThanOrEqual(8);
    expect(week.every((p) => p.bucket.endsWith('T00:00:00.000Z'))).toBe(true);
    expect(week.reduce((a, p) => a + p.retries, 0)).toBe(2 + 3 + 4);
    expect(week.filter((p) => p.retries > 0)).toHaveLength(3);
    const day = await listRetries(db, parseTimeRange({ range: '24h' }));
    expect(day).toHaveLength(24);
    expect(day.reduce((a, p) => a + p.retries, 0)).toBe(4);
  });
});
