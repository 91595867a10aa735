import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '@/lib/db/client';
import { recordStatements } from '@/lib/observability/instrument';
import { countActiveInterventions, listActiveInterventions, listActiveProjects } from '@/lib/interventions/queries';
import { describeEachDb } from '@/lib/test/db';
import { listToolUsers } from '@/lib/tools/stats';
import { loadOverviewPage, loadToolsPage, overviewCharts } from './analytics';
import { charts } from './charts';
import { parseTimeRange } from '@/lib/analytics/range';
import { getRollupFreshness } from '@/lib/analytics/rollup-state';
import { rebuildRollups, refreshRollups } from '@/lib/analytics/rollups';

/** Issue 18, item 3: what a page request runs does not grow with table size, and pages never refresh roll-ups. */

const DAY = 86_400_000;

async function insertRuns(db: Db, rows: { user: string; tool?: string; daysAgo: number }[]) {
  const values = rows.map(
    (r) => sql`(${r.user}, ${r.tool ?? 'search'}, true, 5, ${new Date(Date.now() - r.daysAgo * DAY).toISOString()}::timestamptz)`,
  );
  await db.execute(sql`INSERT INTO user_tool_history (user_id, tool_name, success, execution_time_ms, created_at)
    VALUES ${sql.join(values, sql`, `)}`);
}

/** The user picker as it was computed before tool_users: runs in the last 30 UTC days, from the raw rows. */
async function rawToolUsers(db: Db) {
  const rows = await queryRows<{ user_id: string; runs: number }>(
    db,
    sql`SELECT user_id, count(*)::int AS runs FROM user_tool_history
        WHERE created_at >= ((now() AT TIME ZONE 'UTC')::date - 30)::timestamp AT TIME ZONE 'UTC'
        GROUP BY user_id ORDER BY runs DESC, user_id`,
  );
  return rows.map((r) => ({ userId: r.user_id, runs: Number(r.runs) }));
}

/** The Interventions project filter as it was computed before: open pauses joined to their sessions. */
async function rawActiveProjects(db: Db) {
  const rows = await queryRows<{ project: string; n: number }>(
    db,
    sql`SELECT s.project, count(*)::int AS n FROM paused_sessions ps JOIN agent_sessions s ON s.id = ps.session_id
        WHERE NOT ps.resolved GROUP BY s.project ORDER BY s.project`,
  );
  return rows.map((r) => ({ project: r.project, n: Number(r.n) }));
}

const plain = <T extends { n: number }>(rows: T[]) => rows.map((r) => ({ ...r, n: Number(r.n) }));

it('the Overview loader that bench:queries times loads every chart the Overview cards load', () => {
  const dir = path.join(process.cwd(), 'app/(console)/overview/_components');
  const source = fs.readdirSync(dir).filter((f) => f.endsWith('.tsx')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
  // A chart is named as charts.id, charts['id'], or (the usage cards) as the id string passed to charts[id].
  const used = Object.keys(charts).filter((id) => source.includes(`charts.${id}`) || source.includes(`charts['${id}']`) || source.includes(`'${id}'`));
  expect(used.length).toBeGreaterThanOrEqual(8);
  expect([...overviewCharts].sort()).toEqual(used.sort());
});

describeEachDb('page reads', (t) => {
  it('Overview and Tools loaders read roll-ups only: pending marks stay for the job, figures appear after it runs', async () => {
    const db = t().db;
    await insertRuns(db, [{ user: 'u1', daysAgo: 1 }, { user: 'u1', daysAgo: 2 }, { user: 'u2', daysAgo: 1 }]);
    await refreshRollups(db);
    const before = await getRollupFreshness(db);
    expect(before.asOf).toBeInstanceOf(Date);

    await insertRuns(db, [{ user: 'u3', tool: 'shell', daysAgo: 0 }, { user: 'u3', tool: 'shell', daysAgo: 0 }]);
    const range = parseTimeRange({ range: '7d' });
    const overview = await recordStatements(() => loadOverviewPage(db, range));
    const tools = await recordStatements(() => loadToolsPage(db, range, { strategy: 'mean' }));
    for (const s of [...overview.statements, ...tools.statements]) {
      expect(s.text).not.toMatch(/rollup_dirty|advisory|INSERT|DELETE|UPDATE/i);
    }
    expect(overview.statements.length).toBeGreaterThan(3);
    const [pending] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM rollup_dirty`);
    expect(Number(pending.n)).toBeGreaterThan(0);
    expect(tools.result.users.map((u) => u.userId)).toEqual(['u1', 'u2']);
    expect(tools.result.statistics.map((s) => s.tool)).not.toContain('shell');

    const r = await refreshRollups(db);
    expect(r.ok).toBe(true);
    const after = await loadToolsPage(db, range, { strategy: 'mean' });
    expect(after.users).toEqual(await rawToolUsers(db));
    expect(after.users[0]).toEqual({ userId: 'u1', runs: 2 });
    expect(after.statistics.map((s) => s.tool)).toContain('shell');
    expect((await getRollupFreshness(db)).asOf!.getTime()).toBeGreaterThanOrEqual(before.asOf!.getTime());
  });

  it('the user picker equals the raw 30-day counts across inserts, deletes, old rows and a new day', async () => {
    const db = t().db;
    await db.execute(sql`DELETE FROM user_tool_history`);
    await insertRuns(db, [
      ...Array.from({ length: 5 }, () => ({ user: 'ana', daysAgo: 3 })),
      ...Array.from({ length: 3 }, () => ({ user: 'bo', daysAgo: 10 })),
      { user: 'cy', daysAgo: 45 },
    ]);
    await refreshRollups(db);
    expect(await listToolUsers(db)).toEqual(await rawToolUsers(db));
    expect((await listToolUsers(db)).map((u) => u.userId)).toEqual(['ana', 'bo']);

    await insertRuns(db, Array.from({ length: 7 }, () => ({ user: 'bo', daysAgo: 1 })));
    await db.execute(sql`DELETE FROM user_tool_history WHERE user_id = 'ana' AND id IN (SELECT id FROM user_tool_history WHERE user_id = 'ana' LIMIT 4)`);
    await refreshRollups(db);
    expect(await listToolUsers(db)).toEqual([{ userId: 'bo', runs: 10 }, { userId: 'ana', runs: 1 }]);
    expect(await listToolUsers(db, { limit: 1 })).toEqual([{ userId: 'bo', runs: 10 }]);

    // The window moved on since the last run (as at the first refresh after midnight UTC): all users are recounted,
    // also those with no new rows, whose old days dropped out.
    await db.execute(sql`UPDATE tool_users SET runs = 999 WHERE user_id = 'ana'`);
    await db.execute(sql`UPDATE rollup_state SET tool_users_from = tool_users_from - 1`);
    expect(await refreshRollups(db)).toMatchObject({ ok: true, toolUsers: 'all' });
    expect(await listToolUsers(db)).toEqual(await rawToolUsers(db));

    await db.execute(sql`DELETE FROM tool_users`);
    await rebuildRollups(db);
    expect(await listToolUsers(db)).toEqual(await rawToolUsers(db));
  });

  it('the project filter counts open pauses per project across pauses, resolutions, session deletes and late sessions', async () => {
    const db = t().db;
    const session = async (project: string) => {
      const id = randomUUID();
      await db.execute(sql`INSERT INTO agent_sessions (id, project, agent_name, external_id) VALUES (${id}, ${project}, 'a', ${id})`);
      return id;
    };
    const pause = (sessionId: string) =>
      queryRows<{ id: string }>(db, sql`INSERT INTO paused_sessions (session_id, reason, pause_type) VALUES (${sessionId}, 'r', 'blocker') RETURNING id`).then((r) => r[0].id);
    const resolve = (id: string) =>
      db.execute(sql`UPDATE paused_sessions SET resolved = true, resolved_at = now(), resolution = 'resumed' WHERE id = ${id}`);

    const [a1, a2, b1, c1] = [await session('alpha'), await session('alpha'), await session('beta'), await session('gamma')];
    const pa1 = await pause(a1);
    await pause(a2);
    const pb1 = await pause(b1);
    expect(plain(await listActiveProjects(db))).toEqual([{ project: 'alpha', n: 2 }, { project: 'beta', n: 1 }]);
    expect(plain(await listActiveProjects(db))).toEqual(await rawActiveProjects(db));

    await resolve(pa1);
    await resolve(pb1);
    await pause(c1);
    await pause(a1);
    expect(plain(await listActiveProjects(db))).toEqual([{ project: 'alpha', n: 2 }, { project: 'gamma', n: 1 }]);

    await db.execute(sql`DELETE FROM agent_sessions WHERE id = ${a2}`);
    expect(plain(await listActiveProjects(db))).toEqual(await rawActiveProjects(db));
    expect(plain(await listActiveProjects(db))).toEqual([{ project: 'alpha', n: 1 }, { project: 'gamma', n: 1 }]);

    // A pause moved to another session (no code does this today; the trigger keeps the copy right if one does).
    await db.execute(sql`UPDATE paused_sessions SET session_id = ${b1} WHERE session_id = ${c1} AND NOT resolved`);
    expect(plain(await listActiveProjects(db))).toEqual([{ project: 'alpha', n: 1 }, { project: 'beta', n: 1 }]);
    // The Interventions list and count filtered by project read the same copy.
    expect(await countActiveInterventions(db, { project: 'beta' })).toBe(1);
    expect(await countActiveInterventions(db, { project: 'gamma' })).toBe(0);
    expect((await listActiveInterventions(db, { project: 'beta' })).rows.map((r) => r.session_id)).toEqual([b1]);
    expect((await listActiveInterventions(db, { project: 'alpha' })).rows.map((r) => r.project)).toEqual(['alpha']);
  });
});
