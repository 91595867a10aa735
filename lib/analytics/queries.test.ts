import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/lib/db/client';
import { describeEachDb } from '@/lib/test/db';
import { getOverviewKpis, listTopFailingTools } from './queries';
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
