import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Db } from '@/lib/db/client';
import { describeEachDb } from '@/lib/test/db';
import { agent, engineer, makeSession } from '@/lib/test/factories';
import { pauseSession, resumeSession } from './commands';
import { decodeCursor, listActiveInterventions, listInterventionHistory } from './queries';

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
