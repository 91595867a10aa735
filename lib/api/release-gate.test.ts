import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { userActor } from '@/lib/auth/actor';
import { createApiToken } from '@/lib/auth/tokens';
import { createChecklistFromMarkdown, signOff, tickItem } from '@/lib/checklists/commands';
import { queryRows, setDbHandleForTests } from '@/lib/db/client';
import { callApi } from '@/lib/test/api';
import { describeEachDb } from '@/lib/test/db';

vi.mock('server-only', () => ({}));

const admin = userActor({ id: 'u-admin', email: 'admin@example.com', name: 'Ada', role: 'admin' });
const manager = userActor({ id: 'u-mgr', email: 'mgr@example.com', name: 'Morgan', role: 'manager' });

type Created = { created: boolean; checklist: { id: string; version: string; environment: string; commitSha: string | null } };
type Gate = { state: string; missing: { kind: string; message: string }[]; signoffs: unknown[] };

describeEachDb('release checklists and the gate over /api/v1', (t) => {
  let token = '';
  let ingestOnly = '';
  let templateId = '';
  beforeAll(async () => {
    setDbHandleForTests(t().handle);
    token = (await createApiToken(t().db, { name: 'pipeline', scopes: ['checklists'] })).token;
    ingestOnly = (await createApiToken(t().db, { name: 'agent', scopes: ['ingest'] })).token;
    const made = await createChecklistFromMarkdown(
      t().db,
      { markdown: '# Web release\n## Deployment\n- [ ] Smoke test\n## Sign-Off\nProduction: ____ Date: ____\n', asTemplate: true },
      admin,
    );
    if (!made.ok) throw new Error(made.message);
    templateId = made.checklistId;
  });
  afterAll(() => setDbHandleForTests(undefined));

  const count = async () =>
    (await queryRows<{ n: number }>(t().db, sql`SELECT count(*)::int AS n FROM deployment_checklists WHERE NOT is_template`))[0].n;

  it('creates a release checklist once: 201, then 200 with the same one; by template title too', async () => {
    const version = `1.${randomUUID().slice(0, 6)}`;
    const body = { template: templateId, version, environment: 'production', commitSha: 'abc1234', link: 'https://ci.example.com/run/1' };
    const a = await callApi('POST', '/api/v1/checklists', { token, body });
    expect(a.status).toBe(201);
    const created = a.json as Created;
    expect(created).toMatchObject({ created: true, checklist: { version, environment: 'production', commitSha: 'abc1234' } });
    const b = await callApi('POST', '/api/v1/checklists', { token, body: { ...body, template: 'Web release' } });
    expect([b.status, (b.json as Created).checklist.id, (b.json as Created).created]).toEqual([200, created.checklist.id, false]);
  });

  it('bad input is a 4xx naming the field, and writes nothing', async () => {
    const before = await count();
    const unknown = await callApi('POST', '/api/v1/checklists', { token, body: { template: randomUUID(), version: '1', environment: 'prod' } });
    expect(unknown.status).toBe(422);
    expect(unknown.json).toMatchObject({ error: { fields: [{ path: 'template', message: 'Template not found' }] } });
    const noVersion = await callApi('POST', '/api/v1/checklists', { token, body: { template: templateId, environment: 'prod' } });
    expect(noVersion.status).toBe(422);
    expect((noVersion.json as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path)).toEqual(['version']);
    const badSha = await callApi('POST', '/api/v1/checklists', { token, body: { template: templateId, version: '1', environment: 'p', commitSha: 'xyz' } });
    expect((badSha.json as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path)).toEqual(['commitSha']);
    expect((await callApi('POST', '/api/v1/checklists', { token: ingestOnly, body: { template: templateId, version: '1', environment: 'p' } })).status).toBe(403);
    expect((await callApi('GET', `/api/v1/checklists/${randomUUID()}/gate`, { token })).status).toBe(404);
    expect((await callApi('GET', `/api/v1/checklists/${templateId}/gate?wait=99`, { token })).status).toBe(400);
    expect(await count()).toBe(before);
  });

  it('the gate goes pending → pass; ?wait long-polls and answers as soon as the last sign-off lands; deploy needs a pass', async () => {
    const c = (await callApi('POST', '/api/v1/checklists', { token, body: { template: templateId, version: randomUUID(), environment: 'staging' } }))
      .json as Created;
    const id = c.checklist.id;
    const gate = async (q = '') => (await callApi('GET', `/api/v1/checklists/${id}/gate${q}`, { token })).json as Gate;
    expect(await gate()).toMatchObject({ state: 'pending', missing: [{ kind: 'items' }, { kind: 'signoff' }] });
    expect((await callApi('POST', `/api/v1/checklists/${id}/deployed`, { token })).status).toBe(409);
    const [item] = await queryRows<{ id: string }>(t().db, sql`SELECT id FROM checklist_items WHERE checklist_id = ${id}`);
    await tickItem(t().db, { itemId: item.id }, admin);
    const started = Date.now();
    const waiting = gate('?wait=10');
    await new Promise((r) => setTimeout(r, 300));
    const { signalChecklist } = await import('@/lib/events/bus');
    expect((await signOff(t().db, { checklistId: id, role: 'production' }, manager)).ok).toBe(true);
    signalChecklist(id);
    expect(await waiting).toMatchObject({ state: 'pass', missing: [] });
    expect(Date.now() - started).toBeLessThan(5_000);
    const d = await callApi('POST', `/api/v1/checklists/${id}/deployed`, { token });
    expect(d).toMatchObject({ status: 200, json: { alreadyDeployed: false } });
  });
});
