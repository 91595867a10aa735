import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '@/lib/db/client';
import { describeEachDb } from '@/lib/test/db';
import { agent, engineer, makeSession } from '@/lib/test/factories';
import { pauseSession, resumeSession } from './commands';
import { countActiveInterventions, decodeCursor, listActiveInterventions, listActiveProjects, listInterventionHistory } from './queries';

/** Follows nextCursor the way the pages do (string in the URL, decoded on the next request). */
async function allPages(next: (cursor: string | null) => Promise<{ rows: { id: string }[]; nextCursor: string | null }>) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 10; pages++) {
    const page = await next(cursor);
    ids.push(...page.rows.map((r) => r.id));
    cursor = page.nextCursor;
    if (!cursor) return { ids, pages: pages + 1 };
  }
  throw new Error('the cursor never ended: a page repeats');
}

async function pauses(db: Db, project: string, n: number) {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = await makeSession(db, { project });
    const r = await pauseSession(db, { sessionId: s.id, reason: `blocked ${i}`, pauseType: 'blocker' }, agent);
    if (!r.ok) throw new Error(r.reason);
    out.push(r.pause.id);
  }
  return out;
}

describeEachDb('intervention lists', (t) => {
  it('the inbox pages through every open pause once, oldest first, by the cursor in its URL', async () => {
    const project = `p-${randomUUID().slice(0, 8)}`;
    const ids = await pauses(t().db, project, 5);
    const { ids: seen, pages } = await allPages((c) => listActiveInterventions(t().db, { project, limit: 2, cursor: decodeCursor(c) }));
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  it('the history pages through every pause once, newest first', async () => {
    const project = `p-${randomUUID().slice(0, 8)}`;
    const ids = await pauses(t().db, project, 5);
    for (const id of ids.slice(0, 2)) expect((await resumeSession(t().db, { pausedSessionId: id }, engineer())).ok).toBe(true);
    const { ids: seen, pages } = await allPages((c) => listInterventionHistory(t().db, { project, limit: 2, cursor: decodeCursor(c) }));
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });
});

describeEachDb('open pause counts (drizzle/0017 trigger)', (t) => {
  /** What a reader counting paused_sessions sees, per project of this test. */
  async function counted(db: Db, projects: string[]) {
    const out: Record<string, number> = {};
    for (const p of projects) {
      const rows = await listActiveInterventions(db, { project: p, limit: 500 });
      out[p] = rows.rows.length;
    }
    return out;
  }

  it('the badge, the project filter and the per-project count follow pauses, decisions and deletes', async () => {
    const a = `pa-${randomUUID().slice(0, 8)}`;
    const b = `pb-${randomUUID().slice(0, 8)}`;
    const before = await countActiveInterventions(t().db);
    const idsA = await pauses(t().db, a, 3);
    await pauses(t().db, b, 2);
    expect(await countActiveInterventions(t().db)).toBe(before + 5);
    expect(await countActiveInterventions(t().db, { project: a })).toBe(3);
    expect((await listActiveProjects(t().db)).filter((r) => r.project === a || r.project === b)).toEqual([
      { project: a, n: 3 },
      { project: b, n: 2 },
    ]);

    expect((await resumeSession(t().db, { pausedSessionId: idsA[0] }, engineer())).ok).toBe(true);
    // A decision repeated on a resolved pause changes nothing twice.
    await resumeSession(t().db, { pausedSessionId: idsA[0] }, engineer());
    await t().db.execute(sql`UPDATE paused_sessions SET project = ${b} WHERE id = ${idsA[1]}`);
    await t().db.execute(sql`DELETE FROM paused_sessions WHERE id = ${idsA[2]}`);

    expect(await countActiveInterventions(t().db, { project: a })).toBe(0);
    expect(await countActiveInterventions(t().db, { project: b })).toBe(3);
    expect(await countActiveInterventions(t().db)).toBe(before + 3);
    expect(await counted(t().db, [a, b])).toEqual({ [a]: 0, [b]: 3 });
    expect((await listActiveProjects(t().db)).some((r) => r.project === a)).toBe(false);
  });
});
