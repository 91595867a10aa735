import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { deploymentChecklists } from '@/lib/db/schema';
import { describeEachDb } from '@/lib/test/db';
import { getChecklistVersion } from './queries';

/** The staleness poll's query: the row's updated_at and status, null for an unknown checklist. */
describeEachDb('getChecklistVersion', (t) => {
  it('answers the current updated_at and status, and null for an unknown id', async () => {
    const db = t().db;
    const [c] = await db.insert(deploymentChecklists).values({ title: 'Release' }).returning();
    expect(await getChecklistVersion(db, { checklistId: c.id })).toEqual({ updatedAt: c.updatedAt, status: 'draft' });
    const later = new Date(c.updatedAt.getTime() + 60_000);
    await db.update(deploymentChecklists).set({ updatedAt: later, status: 'in_progress' }).where(eq(deploymentChecklists.id, c.id));
    expect(await getChecklistVersion(db, { checklistId: c.id })).toEqual({ updatedAt: later, status: 'in_progress' });
    expect(await getChecklistVersion(db, { checklistId: randomUUID() })).toBeNull();
  });
});
