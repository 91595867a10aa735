import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { userActor, type ActorOf } from '@/lib/auth/actor';
import { queryRows, type Db } from '@/lib/db/client';
import { checklistItems, notificationPreferences, user } from '@/lib/db/schema';
import type { Role } from '@/lib/db/schema/enums';
import { describeEachDb } from '@/lib/test/db';
import { createChecklistFromMarkdown, instantiateFromTemplate, signOff, tickItem, untickItem } from './commands';
import { getGate } from './gate';
import { setApprovalPolicy } from './policy-commands';
import type { ApprovalPolicyInput } from './policy-types';
import { approvalPolicySchema } from './policy-types';
import { createReleaseChecklist, failItem, markDeployed, notifyGateIfPending } from './release';

/**
 * Approval policies and the release gate, on the commands (the API and the browser are in
 * lib/api/release-gate.test.ts and e2e/release-gate.spec.ts). Each test makes its own template and release.
 */
const template = [
  '# Release train',
  '## Pre-Deployment',
  '- [ ] Backup taken',
  '## Sign-Off',
  '### QA Team',
  '- [ ] Exploratory test done',
  'QA: ____ Date: ____',
  'Production: ____ Date: ____',
].join('\n');

const people: Record<string, ActorOf<'user'>> = {};
const person = (key: string, role: Role) =>
  (people[key] ??= userActor({ id: `u-${key}-${randomUUID().slice(0, 6)}`, email: `${key}@example.com`, name: key, role }));

describeEachDb('release gates', (t) => {
  let db: Db;
  const admin = () => person('ada', 'admin');
  const qa = () => person('quinn', 'qa');
  const qa2 = () => person('quincy', 'qa');
  const manager = () => person('morgan', 'manager');
  const manager2 = () => person('mona', 'manager');
  const engineer = () => person('erin', 'engineer');

  beforeAll(async () => {
    db = t().db;
    for (const p of [admin(), qa(), qa2(), manager(), manager2(), engineer()]) {
      await db.insert(user).values({ id: p.id, name: p.name, email: p.email, role: p.role });
    }
  });

  /** A template with the given policy and a release checklist from it; `tick(text, by)` ticks an item. */
  async function release(policy: ApprovalPolicyInput, version = randomUUID().slice(0, 8)) {
    const made = await createChecklistFromMarkdown(db, { markdown: template, asTemplate: true, title: `T ${version}` }, admin());
    if (!made.ok) throw new Error(made.message);
    const saved = await setApprovalPolicy(
      db,
      { templateId: made.checklistId, requiredRoles: ['qa', 'production'], policy: approvalPolicySchema.parse(policy) },
      admin(),
    );
    expect(saved.ok).toBe(true);
    const r = await createReleaseChecklist(db, { template: made.checklistId, version, environment: 'production' }, admin());
    if (!r.ok) throw new Error(r.message);
    const items = await db.select().from(checklistItems).where(eq(checklistItems.checklistId, r.checklistId));
    const itemId = (text: string) => items.find((i) => i.text === text)!.id;
    return {
      templateId: made.checklistId,
      id: r.checklistId,
      version,
      itemId,
      tick: async (text: string, by: ActorOf<'user'>) => expect((await tickItem(db, { itemId: itemId(text) }, by)).ok).toBe(true),
      sign: (role: 'qa' | 'production', by: ActorOf<'user'>) => signOff(db, { checklistId: r.checklistId, role }, by),
      gate: async () => {
        const g = await getGate(db, { checklistId: r.checklistId });
        if (!g.ok) throw new Error(g.message);
        return g.gate;
      },
    };
  }

  it('distinct people: Production needs two, the same person twice is refused, the second person completes it', async () => {
    const r = await release({ roles: { production: { count: 2 } } });
    await r.tick('Backup taken', admin());
    await r.tick('Exploratory test done', admin());
    expect((await r.sign('qa', qa())).ok).toBe(true);
    expect((await r.sign('production', manager())).ok).toBe(true);
    expect(await r.gate()).toMatchObject({
      state: 'pending',
      missing: [{ kind: 'signoff', role: 'production', needed: 2, have: 1, message: expect.stringContaining('1 more sign-off (1 of 2)') }],
    });
    expect(await r.sign('production', manager())).toMatchObject({ ok: false, reason: 'already_signed', message: 'You have already signed Production' });
    expect((await r.sign('production', manager2())).ok).toBe(true);
    expect(await r.sign('production', admin())).toMatchObject({ ok: false, reason: 'already_signed', message: 'Production already has its 2 sign-offs' });
    expect(await r.gate()).toMatchObject({ state: 'pass', missing: [], status: 'signed_off' });
  });

  it('one person cannot sign two roles when the policy says so (and can without it)', async () => {
    const strict = await release({ oneRolePerPerson: true });
    await strict.tick('Backup taken', qa());
    await strict.tick('Exploratory test done', qa());
    expect((await strict.sign('qa', admin())).ok).toBe(true);
    expect(await strict.sign('production', admin())).toEqual({
      ok: false,
      reason: 'one_role_per_person',
      message: 'You signed QA already: the policy asks a different person for each role',
    });
    expect((await strict.sign('production', manager())).ok).toBe(true);
    const lax = await release({});
    await lax.tick('Backup taken', qa());
    await lax.tick('Exploratory test done', qa());
    expect((await lax.sign('qa', admin())).ok).toBe(true);
    expect((await lax.sign('production', admin())).ok).toBe(true);
  });

  it('no self-review: who ticked a section cannot be the only sign-off covering it', async () => {
    const r = await release({ noSelfReview: true });
    // "QA Team" is covered by QA alone: Quinn ticked it, so Quinn's QA sign-off would be its only one.
    await r.tick('Exploratory test done', qa());
    expect(await r.sign('qa', qa())).toEqual({
      ok: false,
      reason: 'self_review',
      message: 'You ticked items of "QA Team": someone else must sign off a role covering it',
    });
    // A shared section is covered by every role: Ada ticked it and may sign QA while Production is still open...
    await r.tick('Backup taken', admin());
    expect((await r.sign('qa', admin())).ok).toBe(true);
    // ...but not Production too: then every sign-off covering "Pre-Deployment" would be her own.
    expect(await r.sign('production', admin())).toMatchObject({ ok: false, reason: 'self_review', message: expect.stringContaining('"Pre-Deployment"') });
    expect((await r.sign('production', manager())).ok).toBe(true);
    expect((await r.gate()).state).toBe('pass');
  });

  it('named signers: only the people named sign the role, whatever the console role says', async () => {
    const r = await release({ roles: { production: { consoleRoles: [], users: ['ERIN@example.com'] } } });
    await r.tick('Backup taken', qa());
    await r.tick('Exploratory test done', qa());
    expect(await r.sign('production', manager())).toEqual({
      ok: false,
      reason: 'not_eligible',
      message: 'Production can be signed by erin@example.com only',
    });
    expect((await r.gate()).missing).toEqual([
      expect.objectContaining({ role: 'qa' }),
      expect.objectContaining({ role: 'production', message: 'Production: 1 more sign-off (0 of 1) by erin@example.com' }),
    ]);
    expect((await r.sign('production', engineer())).ok).toBe(true);
  });

  it('gate through a checklist life: pending → pass → deployed → a void after the deploy fails it', async () => {
    const r = await release({});
    let g = await r.gate();
    expect(g.state).toBe('pending');
    expect(g.missing.map((m) => m.message)).toEqual([
      '2 required items are not ticked',
      'QA: 1 more sign-off (0 of 1) by admin or qa',
      'Production: 1 more sign-off (0 of 1) by admin or manager',
    ]);
    expect(await markDeployed(db, { checklistId: r.id }, admin())).toMatchObject({ ok: false, reason: 'gate_not_passed' });
    await r.tick('Backup taken', qa());
    await r.tick('Exploratory test done', qa());
    await r.sign('qa', qa());
    // Voiding after an item changes: a tick in a covered section withdraws the sign-off, the gate waits again.
    expect((await untickItem(db, { itemId: r.itemId('Backup taken') }, qa())).ok).toBe(true);
    g = await r.gate();
    expect(g.missing.map((m) => m.kind)).toEqual(['items', 'signoff', 'signoff']);
    expect(g.signoffs).toEqual([expect.objectContaining({ role: 'qa', voidedAt: expect.any(String), voidReason: expect.stringContaining('unticked "Backup taken"') })]);
    await r.tick('Backup taken', qa());
    await r.sign('qa', qa());
    await r.sign('production', manager());
    expect((await r.gate()).state).toBe('pass');
    const deployed = await markDeployed(db, { checklistId: r.id }, admin());
    expect(deployed).toMatchObject({ ok: true, alreadyDeployed: false });
    expect(await r.gate()).toMatchObject({ state: 'pass', status: 'live' });
    await untickItem(db, { itemId: r.itemId('Exploratory test done') }, qa());
    g = await r.gate();
    expect(g.state).toBe('fail');
    expect(g.missing[0]).toMatchObject({ kind: 'voided_after_deploy', role: 'qa', message: expect.stringContaining('voided after the deploy') });
  });

  it('a required item marked failed fails the gate; ticking it again clears the failure', async () => {
    const r = await release({});
    await r.tick('Backup taken', qa());
    await r.tick('Exploratory test done', qa());
    await r.sign('qa', qa());
    const failed = await failItem(db, { itemId: r.itemId('Backup taken'), note: 'restore test failed' }, qa());
    expect(failed).toMatchObject({ ok: true, voidedSignoffs: [{ role: 'qa' }] });
    expect(await r.gate()).toMatchObject({ state: 'fail', missing: [{ kind: 'failed_item', message: 'Failed: "Backup taken" (Pre-Deployment)' }, {}, {}, {}] });
    await r.tick('Backup taken', qa());
    expect((await r.gate()).state).toBe('pending');
  });

  it('creation is idempotent on (template, version, environment) and keeps the policy it was made with', async () => {
    const r = await release({ roles: { production: { count: 2 } } });
    const again = await createReleaseChecklist(db, { template: r.templateId, version: r.version, environment: 'production' }, admin());
    expect(again).toMatchObject({ ok: true, checklistId: r.id, created: false });
    const staging = await createReleaseChecklist(db, { template: r.templateId, version: r.version, environment: 'staging' }, admin());
    expect(staging).toMatchObject({ ok: true, created: true });
    expect(await instantiateFromTemplate(db, { templateId: r.templateId, title: 'x', version: r.version, environment: 'production' }, qa())).toMatchObject({
      ok: false,
      reason: 'release_exists',
    });
    expect(await createReleaseChecklist(db, { template: randomUUID(), version: '1', environment: 'production' }, admin())).toMatchObject({
      ok: false,
      reason: 'not_found',
    });
    // A later change of the template's policy does not move the goalposts of the release under way.
    await setApprovalPolicy(db, { templateId: r.templateId, requiredRoles: ['qa'], policy: approvalPolicySchema.parse({}) }, admin());
    expect((await r.gate()).missing.map((m) => m.message)).toContain('Production: 2 more sign-offs (0 of 2) by admin or manager');
  });

  it('a new release notifies the people of the roles it waits on, in the app and through their webhook rules, once', async () => {
    await db.insert(notificationPreferences).values({ userId: admin().id, channel: 'webhook', targetUrl: 'https://hooks.example.com/x' });
    const r = await release({});
    const notes = await queryRows<{ user_id: string; title: string }>(
      db,
      sql`SELECT user_id, title FROM notifications WHERE checklist_id = ${r.id} ORDER BY user_id`,
    );
    const ids = new Set(notes.map((n) => n.user_id));
    expect(ids.has(qa().id) && ids.has(manager().id) && ids.has(admin().id)).toBe(true);
    expect(ids.has(engineer().id)).toBe(false);
    expect(notes.find((n) => n.user_id === manager().id)?.title).toBe(`T ${r.version} ${r.version} (${r.version} → production) waits on your sign-off: Production`);
    const outbox = await queryRows<{ payload: { event: string; checklist: { waitingOn: string[] } } }>(
      db,
      sql`SELECT payload FROM notification_deliveries WHERE payload->'checklist'->>'id' = ${r.id}`,
    );
    expect(outbox.map((o) => [o.payload.event, o.payload.checklist.waitingOn])).toEqual([['checklist.gate_pending', ['qa', 'production']]]);
    // Polling the pending gate again tells nobody twice.
    expect(await notifyGateIfPending(db, r.id)).toBe(0);
  });
});
