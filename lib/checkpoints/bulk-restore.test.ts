import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditLog } from '@/lib/db/schema';
import { getControlDecision } from '@/lib/sessions/control';
import { describeEachDb } from '@/lib/test/db';
import { engineer, makeCheckpoint, makePausedSession } from '@/lib/test/factories';
import { invalidateCheckpoints } from './commands';
import { bulkRestore, dryRunBulkRestore } from './bulk-restore';

describeEachDb('bulk restore', (t) => {
  const db = () => t().db;

  it('dry run names which pauses have a valid checkpoint and why the others do not; the run restores each', async () => {
    const a = await makePausedSession(db());
    const cpA = await makeCheckpoint(db(), a.session.id, 2);
    const b = await makePausedSession(db());
    const c = await makePausedSession(db());
    const cpC = await makeCheckpoint(db(), c.session.id, 1);
    await invalidateCheckpoints(db(), { checkpointId: cpC.id, reason: 'bad output' }, engineer('qa'));
    const ids = [a.pause.id, b.pause.id, c.pause.id];

    const dry = await dryRunBulkRestore(db(), { ids });
    expect(dry).toEqual([
      { id: a.pause.id, ok: true, sequence: cpA.sequence, checkpointId: cpA.id, awaitsApproval: false },
      { id: b.pause.id, ok: false, message: 'No valid checkpoint: the agent never saved one.' },
      { id: c.pause.id, ok: false, message: 'No valid checkpoint: all 1 were invalidated.' },
    ]);
    expect(await getControlDecision(db(), { sessionId: a.session.id })).toMatchObject({ decision: { action: 'wait' } });

    const results = await bulkRestore(db(), { ids }, engineer('ann'));
    expect(results).toEqual([
      { id: a.pause.id, ok: true, pending: false },
      { id: b.pause.id, ok: false, message: 'This session has no valid checkpoint to restore from.' },
      { id: c.pause.id, ok: false, message: 'This session has no valid checkpoint to restore from.' },
    ]);
    expect(await getControlDecision(db(), { sessionId: a.session.id })).toMatchObject({ decision: { action: 'restore', checkpoint: { id: cpA.id } } });
    const [audit] = await db().select().from(auditLog).where(eq(auditLog.targetId, a.pause.id));
    expect(audit).toMatchObject({ action: 'intervention.restore', outcome: 'success' });
    expect(audit.details).toMatchObject({ bulk: true, checkpointId: cpA.id });
    // A second run reports the first one's outcome.
    expect((await dryRunBulkRestore(db(), { ids: [a.pause.id] }))[0]).toEqual({ id: a.pause.id, ok: false, message: 'This pause was already restored by ann@example.com.' });
  });
});
