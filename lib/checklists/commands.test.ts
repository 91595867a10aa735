import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '@/lib/db/client';
import { checklistItems } from '@/lib/db/schema';
import { userActor } from '@/lib/auth/actor';
import { describeEachDb } from '@/lib/test/db';
import {
  createChecklistFromMarkdown,
  createTemplate,
  instantiateFromTemplate,
  tickItem,
  untickItem,
} from './commands';
import { signOff, voidSignoff } from './signoff';
import { parseChecklistMarkdown } from './markdown';
import { exportChecklistMarkdown, getChecklist, getChecklistHistory, listChecklists } from './queries';

// Who may do what is the guard's (app/(console)/checklists/actions.test.ts); the commands trust their actor.
const qa = userActor({ id: 'u-qa', email: 'qa@example.com', name: 'Quinn QA', role: 'qa' });
const engineer = userActor({ id: 'u-eng', email: 'eng@example.com', name: 'Erin Engineer', role: 'engineer' });
const manager = userActor({ id: 'u-mgr', email: 'mgr@example.com', name: 'Morgan Manager', role: 'manager' });

const markdown = [
  '# Release checklist',
  '## Pre-Deployment',
  '- [ ] Backup taken',
  '- [ ] (optional) Tell support',
  '## Deployment',
  '- [ ] Apply migrations',
  '  ```bash',
  '  npm run db:migrate',
  '  ```',
  '  - [ ] Check migration log',
  '## Rollback Criteria',
  '- Error rate above 5%',
  '## Sign-Off',
  '### QA Team',
  '- [ ] Exploratory test done',
  '### Production',
  '- [ ] Change window booked',
].join('\n');

async function makeChecklist(db: Db, roles = ['qa', 'production']) {
  const md = `${markdown}\n${roles.map((r) => `${r === 'qa' ? 'QA' : r}: ____ Date: ____`).join('\n')}\n`;
  const created = await createChecklistFromMarkdown(db, { markdown: md, version: '2.0.0' }, qa);
  if (!created.ok) throw new Error(created.message);
  const detail = await getChecklist(db, { checklistId: created.checklistId });
  if (!detail) throw new Error('not found');
  const items = new Map<string, string>();
  const walk = (nodes: { id: string; text: string; children: typeof nodes }[]) =>
    nodes.forEach((n) => {
      items.set(n.text, n.id);
      walk(n.children);
    });
  for (const s of detail.sections) walk(s.items);
  const id = (text: string) => {
    const v = items.get(text);
    if (!v) throw new Error(`no item ${text}`);
    return v;
  };
  return { checklistId: created.checklistId, id, detail, md };
}

async function tickAll(db: Db, id: (t: string) => string, texts: string[]) {
  for (const t of texts) expect((await tickItem(db, { itemId: id(t) }, qa)).ok).toBe(true);
}

const shared = ['Backup taken', 'Apply migrations', 'Check migration log'];

describeEachDb('checklist commands', (t) => {
  it('imports Markdown into sections, items, sub-items and commands', async () => {
    const { detail, checklistId, md } = await makeChecklist(t().db);
    expect(detail.checklist).toMatchObject({ title: 'Release checklist', version: '2.0.0', status: 'draft' });
    expect(detail.checklist.requiredRoles).toEqual(['qa', 'production']);
    expect(detail.sections.map((s) => [s.phase, s.title, s.signoffRole, s.progress.total])).toEqual([
      ['pre_deployment', 'Pre-Deployment', null, 2],
      ['deployment', 'Deployment', null, 2],
      ['rollback_criteria', 'Rollback Criteria', null, 0],
      ['custom', 'QA Team', 'qa', 1],
      ['custom', 'Production', 'production', 1],
    ]);
    expect(detail.rollbackCriteria[0].description).toBe('- Error rate above 5%');
    const apply = detail.sections[1].items[0];
    expect(apply).toMatchObject({ command: 'npm run db:migrate', children: [{ text: 'Check migration log' }] });
    expect(detail.progress).toEqual({ total: 6, checked: 0, requiredTotal: 5, requiredChecked: 0 });
    // Import → store → export → import gives back the model of the original document.
    const exported = await exportChecklistMarkdown(t().db, { checklistId });
    expect(parseChecklistMarkdown(exported ?? '')).toEqual(parseChecklistMarkdown(md));
  });

  it('refuses a sign-off while a required item of its sections is unticked, names the open items', async () => {
    const db = t().db;
    const { checklistId, id } = await makeChecklist(db);
    await tickAll(db, id, ['Backup taken', 'Apply migrations', 'Exploratory test done']);
    const refused = await signOff(db, { checklistId, role: 'qa' }, qa);
    expect(refused).toMatchObject({
      ok: false,
      reason: 'items_open',
      openCount: 1,
      openItems: [{ text: 'Check migration log', sectionTitle: 'Deployment' }],
    });
    // The optional item and the Production section do not hold QA back.
    await tickAll(db, id, ['Check migration log']);
    const signed = await signOff(db, { checklistId, role: 'qa' }, qa);
    expect(signed).toMatchObject({ ok: true, status: 'in_progress', signoff: { role: 'qa', signedByName: 'Quinn QA' } });
    expect(await signOff(db, { checklistId, role: 'qa' }, qa)).toMatchObject({ reason: 'already_signed' });
    expect(await signOff(db, { checklistId, role: 'production' }, manager)).toMatchObject({
      ok: false,
      reason: 'items_open',
      openItems: [{ text: 'Change window booked' }],
    });
  });

  it('signs each required role once all its items are ticked; a role the checklist does not ask for is refused', async () => {
    const db = t().db;
    const { checklistId, id } = await makeChecklist(db);
    await tickAll(db, id, [...shared, 'Exploratory test done', 'Change window booked']);
    expect(await signOff(db, { checklistId, role: 'qa' }, qa)).toMatchObject({ ok: true });
    expect(await signOff(db, { checklistId, role: 'production' }, manager)).toMatchObject({
      ok: true,
      status: 'signed_off',
    });
    expect(await signOff(db, { checklistId, role: 'devops' }, engineer)).toMatchObject({
      reason: 'role_not_required',
    });
  });

  it('a tick after sign-off voids the sign-offs covering that section and says who', async () => {
    const db = t().db;
    const { checklistId, id } = await makeChecklist(db);
    await tickAll(db, id, [...shared, 'Exploratory test done', 'Change window booked']);
    await signOff(db, { checklistId, role: 'qa' }, qa);
    await signOff(db, { checklistId, role: 'production' }, manager);

    // A change in QA's own section voids QA only.
    const untick = await untickItem(db, { itemId: id('Exploratory test done'), note: 'redo' }, engineer);
    expect(untick).toMatchObject({ ok: true, status: 'in_progress', voidedSignoffs: [{ role: 'qa' }] });
    await tickItem(db, { itemId: id('Exploratory test done') }, qa);
    await signOff(db, { checklistId, role: 'qa' }, qa);
    expect((await getChecklist(db, { checklistId }))?.checklist.status).toBe('signed_off');

    // Ticking even an optional item in a shared section voids every standing sign-off.
    const tick = await tickItem(db, { itemId: id('Tell support'), note: 'late addition' }, engineer);
    expect(tick.ok && tick.voidedSignoffs.map((v) => v.role).sort()).toEqual(['production', 'qa']);
    const detail = await getChecklist(db, { checklistId });
    expect(detail?.checklist.status).toBe('in_progress');
    const voided = detail?.signoffs.filter((s) => s.voidedAt) ?? [];
    expect(voided).toHaveLength(3);
    expect(voided.at(-1)).toMatchObject({ voidedBy: engineer.id });
    expect(voided.at(-1)?.voidReason).toContain('Tell support');
    expect(voided.at(-1)?.voidReason).toContain('Erin Engineer');
    expect(detail?.roles.map((r) => [r.role, r.signoff, r.openCount])).toEqual([
      ['qa', null, 0],
      ['production', null, 0],
    ]);
  });

  it('two people ticking different items at once both land', async () => {
    const db = t().db;
    const { checklistId, id } = await makeChecklist(db);
    const results = await Promise.all([
      tickItem(db, { itemId: id('Backup taken') }, qa),
      tickItem(db, { itemId: id('Apply migrations'), note: 'done on db-2' }, engineer),
      tickItem(db, { itemId: id('Exploratory test done') }, qa),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    const rows = await db.select().from(checklistItems).where(eq(checklistItems.checklistId, checklistId));
    expect(rows.filter((r) => r.checked).map((r) => [r.text, r.checkedBy]).sort()).toEqual([
      ['Apply migrations', engineer.id],
      ['Backup taken', qa.id],
      ['Exploratory test done', qa.id],
    ]);
    // The same item twice at once: one lands, the other is told it is already ticked.
    const same = await Promise.all([
      tickItem(db, { itemId: id('Change window booked') }, qa),
      tickItem(db, { itemId: id('Change window booked') }, engineer),
    ]);
    expect(same.map((r) => (r.ok ? 'ok' : r.reason)).sort()).toEqual(['already_ticked', 'ok']);
  });

  it('writes an audit row for every tick, untick, sign-off and void, read back as the history', async () => {
    const db = t().db;
    const { checklistId, id } = await makeChecklist(db);
    await tickAll(db, id, [...shared, 'Exploratory test done']);
    await untickItem(db, { itemId: id('Backup taken') }, qa);
    await tickItem(db, { itemId: id('Backup taken'), note: 'second backup' }, qa);
    const signed = await signOff(db, { checklistId, role: 'qa' }, qa);
    expect(signed).toMatchObject({ ok: true, status: 'in_progress' });
    if (!signed.ok) return;
    // Through another role's door (the guard checked the production permission), a QA sign-off stays.
    expect(await voidSignoff(db, { signoffId: signed.signoff.id, role: 'production', reason: 'x' }, manager)).toMatchObject({
      reason: 'wrong_role',
    });
    const voided = await voidSignoff(db, { signoffId: signed.signoff.id, role: 'qa', reason: 'Found a bug' }, qa);
    expect(voided).toMatchObject({ ok: true, signoff: { voidedBy: qa.id, voidReason: 'Found a bug' } });
    expect(await voidSignoff(db, { signoffId: signed.signoff.id, role: 'qa', reason: 'again' }, qa)).toMatchObject({
      reason: 'already_voided',
    });
    const { entries } = await getChecklistHistory(db, { checklistId });
    expect(entries.map((e) => [e.action, e.outcome, e.actorLabel])).toEqual([
      ['checklist.signoff_void', 'success', 'Quinn QA'],
      ['checklist.signoff', 'success', 'Quinn QA'],
      ['checklist.tick', 'success', 'Quinn QA'],
      ['checklist.untick', 'success', 'Quinn QA'],
      ['checklist.tick', 'success', 'Quinn QA'],
      ['checklist.tick', 'success', 'Quinn QA'],
      ['checklist.tick', 'success', 'Quinn QA'],
      ['checklist.tick', 'success', 'Quinn QA'],
      ['checklist.create', 'success', 'Quinn QA'],
    ]);
    const tick = entries[2];
    expect(tick).toMatchObject({ targetType: 'checklist_item', targetId: id('Backup taken') });
    expect(tick.details).toMatchObject({ note: 'second backup', text: 'Backup taken' });
    const page = await getChecklistHistory(db, { checklistId, limit: 4 });
    const next = await getChecklistHistory(db, { checklistId, limit: 4, before: page.nextBefore ?? undefined });
    expect([...page.entries, ...next.entries].map((e) => e.id)).toEqual(entries.slice(0, 8).map((e) => e.id));
  });

  it('templates: created, instantiated unticked for a release, never ticked themselves', async () => {
    const db = t().db;
    const draft = parseChecklistMarkdown(markdown);
    const template = await createTemplate(db, {
      title: 'Standard release',
      sections: draft.sections,
      requiredRoles: ['production', 'qa'],
    }, engineer);
    expect(template.ok).toBe(true);
    if (!template.ok) return;
    const instance = await instantiateFromTemplate(db, {
      templateId: template.checklistId,
      title: 'Release 3.1',
      version: '3.1.0',
      environment: 'production',
      targetDate: '2026-03-01',
    }, qa);
    expect(instance).toMatchObject({ ok: true, items: 6 });
    if (!instance.ok) return;
    const detail = await getChecklist(db, { checklistId: instance.checklistId });
    expect(detail?.checklist).toMatchObject({
      templateId: template.checklistId,
      environment: 'production',
      targetDate: '2026-03-01',
      requiredRoles: ['qa', 'production'],
      isTemplate: false,
    });
    expect(detail?.sections.map((s) => s.title)).toEqual(draft.sections.map((s) => s.title));
    const templateDetail = await getChecklist(db, { checklistId: template.checklistId });
    const itemId = templateDetail?.sections[0].items[0].id ?? randomUUID();
    expect(await tickItem(db, { itemId }, qa)).toMatchObject({ reason: 'is_template' });
    expect(
      await instantiateFromTemplate(db, { templateId: instance.checklistId, title: 'x' }, qa),
    ).toMatchObject({ reason: 'not_a_template' });
    expect(await tickItem(db, { itemId: randomUUID() }, qa)).toMatchObject({ reason: 'not_found' });
  });

  it('lists checklists newest first with keyset pagination and progress', async () => {
    const db = t().db;
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await makeChecklist(db)).checklistId);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listChecklists(db, { limit: 3, cursor });
      seen.push(...page.rows.map((r) => r.id));
      for (const r of page.rows.filter((x) => made.includes(x.id))) {
        expect(r.progress).toEqual({ total: 6, checked: 0, requiredTotal: 5, requiredChecked: 0 });
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const mine = seen.filter((s) => made.includes(s));
    expect(mine).toEqual([...made].reverse());
    await expect(listChecklists(db, { cursor: 'garbage' })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('imports the 5,000-item checklist', async () => {
    const lines = ['# Big', '## Deployment'];
    for (let i = 0; i < 5_000; i++) lines.push(`${i % 2 ? '  ' : ''}- [${i % 7 ? ' ' : 'x'}] item ${i}`);
    const created = await createChecklistFromMarkdown(t().db, { markdown: lines.join('\n') }, qa);
    expect(created).toMatchObject({ ok: true, items: 5_000 });
    if (!created.ok) return;
    const detail = await getChecklist(t().db, { checklistId: created.checklistId });
    expect(detail?.progress).toMatchObject({ total: 5_000, checked: 715 });
    expect(detail?.sections[0].items).toHaveLength(2_500);
  });

  it('refuses Markdown with nothing to check', async () => {
    expect(
      await createChecklistFromMarkdown(t().db, { markdown: '# Notes\n\nJust prose.' }, qa),
    ).toMatchObject({ ok: false, reason: 'empty' });
  });
});

