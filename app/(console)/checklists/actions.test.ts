import { actionState } from '@/lib/test/action-mocks';
import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { userActor } from '@/lib/auth/actor';
import { auditLog, checklistItems, deploymentChecklists } from '@/lib/db/schema';
import { describeEachDb } from '@/lib/test/db';

/**
 * Who may tick, sign and void which role is the guard's one check (the commands trust their actor): the
 * checklist actions as each role sends them, refusals audited into the checklist's history.
 */
const state = actionState;

const { createUser } = await import('@/lib/auth/users');
const { createChecklistFromMarkdown } = await import('@/lib/checklists/commands');
const { getChecklist, getChecklistHistory } = await import('@/lib/checklists/queries');
const actions = await import('./actions');

const markdown = [
  '# Release checklist',
  '## Pre-Deployment',
  '- [ ] Backup taken',
  '- [ ] (optional) Tell support',
  '## Sign-Off',
  '### QA Team',
  '- [ ] Exploratory test done',
  '### Production',
  '- [ ] Change window booked',
  'QA: ____ Date: ____',
  'production: ____ Date: ____',
].join('\n');

describeEachDb('checklist actions: permissions at the guard', (t) => {
  const people: Record<string, { id: string; email: string; name: string; role: string }> = {};
  const as = (who: string) => {
    state.session = { user: people[who], session: {} };
  };
  beforeAll(async () => {
    state.db = t().db;
    const names = { qa: 'Quinn QA', manager: 'Morgan Manager', engineer: 'Erin Engineer', viewer: 'Vic Viewer' } as const;
    for (const [role, name] of Object.entries(names)) {
      const email = `${role}@example.com`;
      const u = await createUser(t().db, { email, name, role: role as keyof typeof names, password: `${role}-password-12` });
      if (!u.ok) throw new Error(role);
      people[role] = { id: u.user.id, email, name, role };
    }
  });

  async function makeChecklist() {
    const created = await createChecklistFromMarkdown(t().db, { markdown }, userActor(people.qa));
    if (!created.ok) throw new Error(created.message);
    const detail = await getChecklist(t().db, { checklistId: created.checklistId });
    const ids = new Map(detail!.sections.flatMap((s) => s.items).map((i) => [i.text, i.id]));
    return { checklistId: created.checklistId, id: (text: string) => ids.get(text)! };
  }
  const refused = (role: string) => ({ error: `Your role (${role}) is not allowed to do this.` });

  it('enforces who signs which role: QA cannot sign Production, a manager can', async () => {
    const { checklistId, id } = await makeChecklist();
    as('qa');
    for (const text of ['Backup taken', 'Exploratory test done', 'Change window booked']) {
      expect(await actions.tickItemAction({ itemId: id(text) })).toEqual({ ok: true });
    }
    expect(await actions.signProductionAction({ checklistId })).toEqual(refused('qa'));
    as('manager');
    expect(await actions.signQaAction({ checklistId })).toEqual(refused('manager'));
    expect(await actions.tickItemAction({ itemId: id('Tell support') })).toEqual(refused('manager'));
    as('viewer');
    expect(await actions.tickItemAction({ itemId: id('Tell support') })).toEqual(refused('viewer'));
    const [tell] = await t().db.select().from(checklistItems).where(eq(checklistItems.id, id('Tell support')));
    expect(tell.checked).toBe(false);
    as('qa');
    expect(await actions.signQaAction({ checklistId })).toEqual({ ok: true });
    as('manager');
    expect(await actions.signProductionAction({ checklistId })).toEqual({ ok: true });
    expect((await getChecklist(t().db, { checklistId }))?.checklist.status).toBe('signed_off');
    const denied = await t().db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.outcome, 'denied'), eq(auditLog.actorId, people.qa.id)));
    expect(denied.some((r) => r.action === 'checklist.signoff' && r.details.checklistId === checklistId)).toBe(true);
  });

  it('a refused void is audited into the checklist history between the sign-off and the real void', async () => {
    const { checklistId, id } = await makeChecklist();
    as('qa');
    for (const text of ['Backup taken', 'Exploratory test done']) await actions.tickItemAction({ itemId: id(text) });
    expect(await actions.signQaAction({ checklistId })).toEqual({ ok: true });
    const signoffId = (await getChecklist(t().db, { checklistId }))!.signoffs[0].id;
    as('manager');
    expect(await actions.voidQaAction({ checklistId, signoffId, reason: 'x' })).toEqual(refused('manager'));
    // Through the production door the manager may pass, but the QA sign-off is not theirs to void.
    expect(await actions.voidProductionAction({ checklistId, signoffId, reason: 'x' })).toEqual({
      error: 'That is a qa sign-off, not production',
    });
    as('qa');
    expect(await actions.voidQaAction({ checklistId, signoffId, reason: 'Found a bug' })).toEqual({ ok: true });
    const { entries } = await getChecklistHistory(t().db, { checklistId });
    expect(entries.slice(0, 3).map((e) => [e.action, e.outcome, e.actorLabel])).toEqual([
      ['checklist.signoff_void', 'success', 'Quinn QA'],
      ['checklist.signoff_void', 'denied', 'Morgan Manager'],
      ['checklist.signoff', 'success', 'Quinn QA'],
    ]);
  });

  it('viewers cannot create checklists', async () => {
    as('viewer');
    const before = await t().db.select().from(deploymentChecklists);
    expect(await actions.importChecklistAction({ markdown: '- [ ] a', asTemplate: false })).toEqual(refused('viewer'));
    expect(await t().db.select().from(deploymentChecklists)).toHaveLength(before.length);
  });
});
