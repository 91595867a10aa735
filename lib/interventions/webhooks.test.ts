import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDb, type Db } from '@/lib/db/client';
import { notificationDeliveries, notificationPreferences, user } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { migrate, readMigrations } from '@/lib/db/migrate';
import { createTestDatabase, describeEachDb, testDbKinds } from '@/lib/test/db';
import { agent, makeSession } from '@/lib/test/factories';
import { pauseSession } from './commands';
import { saveNotificationPreference } from './notifications';
import { deliverDueWebhooks, encryptLegacyWebhookSecrets, REFUSED_ERROR } from './webhooks';

/**
 * The README's receiver example, run as written: the block between the webhook-verify markers is written to a
 * temporary module and imported, so a README edit that breaks verification fails this file.
 */
type Verify = (secret: string, rawBody: string, header: string | undefined, toleranceS?: number) => string | null;
async function readmeVerifier(): Promise<Verify> {
  const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  const block = /<!-- webhook-verify:start -->\s*```js\n([\s\S]*?)```\s*<!-- webhook-verify:end -->/.exec(readme)?.[1];
  if (!block) throw new Error('README: no webhook-verify block');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fd-readme-')), 'verify.mjs');
  fs.writeFileSync(file, block);
  return ((await import(/* @vite-ignore */ pathToFileURL(file).href)) as { verifyFlightdeckWebhook: Verify }).verifyFlightdeckWebhook;
}
let verify: Verify;

// The receivers listen on 127.0.0.1: allowed here as an operator would with OUTBOUND_ALLOWED_HOSTS.
const previousAllowed = process.env.OUTBOUND_ALLOWED_HOSTS;
function allowOutbound(hosts: string) {
  process.env.OUTBOUND_ALLOWED_HOSTS = hosts;
  resetEnvCache();
}
beforeAll(async () => {
  verify = await readmeVerifier();
});
beforeEach(() => allowOutbound('127.0.0.1'));
afterAll(() => allowOutbound(previousAllowed ?? ''));

/** A real HTTP receiver on loopback; `respond` decides each answer (or never answers). */
type Received = { body: string; signature: string | undefined; delivery: string | undefined };
async function receiver(respond: (n: number, req: IncomingMessage, res: ServerResponse) => void) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({
        body,
        signature: req.headers['flightdeck-signature'] as string | undefined,
        delivery: req.headers['x-flightdeck-delivery'] as string | undefined,
      });
      respond(received.length, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received };
}
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function subscribe(db: Db, url: string) {
  const userId = randomUUID();
  const project = `proj-${userId.slice(0, 8)}`;
  await db.insert(user).values({ id: userId, name: 'hook', email: `hook-${userId}@example.com`, role: 'engineer' });
  const r = await saveNotificationPreference(db, { userId, channel: 'webhook', targetUrl: url, pauseTypes: [], projects: [project], enabled: true });
  if (!r.ok || !r.secret) throw new Error('no preference');
  return { project, secret: r.secret, preferenceId: r.preference.id, userId };
}

async function pauseIn(db: Db, project: string) {
  const s = await makeSession(db, { project });
  const r = await pauseSession(db, { sessionId: s.id, reason: 'Blocked on review', pauseType: 'blocker' }, agent);
  if (!r.ok) throw new Error(r.reason);
  return r.pause;
}

async function deliveriesOf(db: Db, pausedSessionId: string) {
  return db.select().from(notificationDeliveries).where(eq(notificationDeliveries.pausedSessionId, pausedSessionId));
}

describeEachDb('webhook delivery', (t) => {
  it('posts a Slack-compatible body whose signature verifies with the README code; a replay after 5 minutes does not', async () => {
    const hook = await receiver((_, __, res) => res.writeHead(200).end('ok'));
    const { project, secret } = await subscribe(t().db, hook.url);
    const pause = await pauseIn(t().db, project);
    await deliverDueWebhooks(t().db);
    expect(hook.received).toHaveLength(1);
    const got = hook.received[0];
    const [d] = await deliveriesOf(t().db, pause.id);
    expect(verify(secret, got.body, got.signature)).toBe(String(d.id));
    expect(verify(secret, got.body.replace('Blocked', 'Unblocked'), got.signature)).toBeNull();
    expect(verify(`${secret}x`, got.body, got.signature)).toBeNull();
    expect(JSON.parse(got.body)).toMatchObject({ text: expect.stringContaining('Blocked on review'), blocks: expect.any(Array), intervention: { id: pause.id } });
    expect(d).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null });
    expect(got.delivery).toBe(String(d.id));
    // The same captured request replayed 5 minutes and 1 second later.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 301_000);
      expect(verify(secret, got.body, got.signature)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('delivers to a local receiver only while 127.0.0.1 is allowed; refused targets all log the same line', async () => {
    const hook = await receiver((_, __, res) => res.writeHead(200).end('ok'));
    const { project, preferenceId, userId } = await subscribe(t().db, hook.url);
    // A closed port beside the open one (a rule written before the save-time check): the log must not tell them apart.
    const closed = await receiver(() => {});
    servers.at(-1)!.close();
    const [closedPref] = await t()
      .db.insert(notificationPreferences)
      .values({ userId, channel: 'webhook', targetUrl: closed.url, projects: [project] })
      .returning();
    allowOutbound('');
    const pause = await pauseIn(t().db, project);
    const out = await deliverDueWebhooks(t().db);
    expect(out.map((o) => ({ status: o.status, statusCode: o.statusCode, error: o.error }))).toEqual([
      { status: 'failed', statusCode: null, error: REFUSED_ERROR },
      { status: 'failed', statusCode: null, error: REFUSED_ERROR },
    ]);
    expect(hook.received).toHaveLength(0);
    const rows = await deliveriesOf(t().db, pause.id);
    expect(rows.map((r) => [r.preferenceId === closedPref.id ? 'closed' : 'open', r.status, r.lastError, r.lastStatusCode]).sort()).toEqual([
      ['closed', 'failed', 'refused: private address', null],
      ['open', 'failed', 'refused: private address', null],
    ]);

    allowOutbound('127.0.0.1');
    const again = await pauseIn(t().db, project);
    await deliverDueWebhooks(t().db);
    expect(hook.received).toHaveLength(1);
    const open = (await deliveriesOf(t().db, again.id)).find((r) => r.preferenceId === preferenceId);
    expect(open).toMatchObject({ status: 'delivered', lastStatusCode: 200 });
  });

  it('does not follow a redirect, to a private address or anywhere else', async () => {
    const inner = await receiver((_, __, res) => res.writeHead(200).end('ok'));
    const innerPort = new URL(inner.url).port;
    const hook = await receiver((_, __, res) => res.writeHead(307, { location: `http://localhost:${innerPort}/admin` }).end());
    const { project } = await subscribe(t().db, hook.url);
    const pause = await pauseIn(t().db, project);
    const [out] = await deliverDueWebhooks(t().db, { backoffMs: 60_000 });
    expect(out).toMatchObject({ status: 'pending', statusCode: 307, error: 'HTTP 307' });
    expect(hook.received).toHaveLength(1);
    expect(inner.received).toHaveLength(0);
    expect((await deliveriesOf(t().db, pause.id))[0]).toMatchObject({ lastStatusCode: 307, lastError: 'HTTP 307' });
  });

  it('a rule saved before secrets were encrypted keeps verifying, and its plaintext is encrypted away', async () => {
    const hook = await receiver((_, __, res) => res.writeHead(200).end('ok'));
    const { project, preferenceId } = await subscribe(t().db, hook.url);
    const legacy = 'whsec_legacy0000000000000000000000000000000000000000';
    await t().db.update(notificationPreferences).set({ secretCiphertext: null, legacySecret: legacy }).where(eq(notificationPreferences.id, preferenceId));
    const pause = await pauseIn(t().db, project);
    // The first worker run on this handle may already be done (earlier tests): the job is idempotent, run it here.
    expect(await encryptLegacyWebhookSecrets(t().db)).toBe(1);
    const [row] = await t().db.select().from(notificationPreferences).where(eq(notificationPreferences.id, preferenceId));
    expect(row.legacySecret).toBeNull();
    expect(row.secretCiphertext).toMatch(/^v1\./);
    await deliverDueWebhooks(t().db);
    const got = hook.received[0];
    expect(verify(legacy, got.body, got.signature)).toBe(String((await deliveriesOf(t().db, pause.id))[0].id));
  });

  it('a receiver failing 3 times then succeeding gets exactly one accepted delivery', async () => {
    let accepted = 0;
    const hook = await receiver((n, _, res) => {
      if (n <= 3) return res.writeHead(503).end('busy');
      accepted++;
      res.writeHead(204).end();
    });
    const { project } = await subscribe(t().db, hook.url);
    const pause = await pauseIn(t().db, project);
    const statuses: string[] = [];
    for (let run = 0; run < 6; run++) {
      const out = await deliverDueWebhooks(t().db, { backoffMs: 0 });
      statuses.push(...out.map((o) => `${o.status}:${o.statusCode}`));
    }
    expect(accepted).toBe(1);
    expect(hook.received).toHaveLength(4);
    expect(statuses).toEqual(['pending:503', 'pending:503', 'pending:503', 'delivered:204']);
    const [d] = await deliveriesOf(t().db, pause.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 4, lastStatusCode: 204 });
  });

  it('a hanging receiver does not touch the pause; the delivery times out and is scheduled for retry', async () => {
    const hook = await receiver(() => {
      /* never answers */
    });
    const { project } = await subscribe(t().db, hook.url);
    const pause = await pauseIn(t().db, project);
    // The pause committed without any HTTP: nothing has reached the receiver yet.
    expect(hook.received).toHaveLength(0);
    const [out] = await deliverDueWebhooks(t().db, { timeoutMs: 200, backoffMs: 60_000 });
    expect(out).toMatchObject({ status: 'pending', statusCode: null, error: 'Timed out after 200 ms' });
    const [d] = await deliveriesOf(t().db, pause.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastError: 'Timed out after 200 ms' });
    expect(d.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
    // Not due yet: the next run leaves it alone.
    expect(await deliverDueWebhooks(t().db, { timeoutMs: 200 })).toEqual([]);
  });

  it('gives up after the maximum attempts and records the failure', async () => {
    const hook = await receiver((_, __, res) => res.writeHead(500).end());
    const { project } = await subscribe(t().db, hook.url);
    const pause = await pauseIn(t().db, project);
    for (let i = 0; i < 5; i++) await deliverDueWebhooks(t().db, { backoffMs: 0, maxAttempts: 3 });
    expect(hook.received).toHaveLength(3);
    const [d] = await deliveriesOf(t().db, pause.id);
    expect(d).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 500, lastError: 'HTTP 500' });
  });

  it('two workers running at once deliver each notification once', async () => {
    const hook = await receiver((_, __, res) => setTimeout(() => res.writeHead(200).end(), 50));
    const { project } = await subscribe(t().db, hook.url);
    const pauses = [];
    for (let i = 0; i < 12; i++) pauses.push(await pauseIn(t().db, project));
    // Postgres: a second handle is a second app instance. PGlite has one connection, so two concurrent runs.
    const second = t().url ? await createDb({ url: t().url, poolMax: 4 }) : null;
    try {
      const other = second?.db ?? t().db;
      const runs = await Promise.all([
        deliverDueWebhooks(t().db, { limit: 8 }),
        deliverDueWebhooks(other, { limit: 8 }),
        deliverDueWebhooks(t().db, { limit: 8 }),
        deliverDueWebhooks(other, { limit: 8 }),
      ]);
      expect(runs.flat()).toHaveLength(12);
    } finally {
      await second?.close();
    }
    const ids = hook.received.map((r) => r.delivery);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    for (const p of pauses) expect((await deliveriesOf(t().db, p.id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });
});

describe.each(testDbKinds())('upgrading a database with plaintext webhook secrets [%s]', (kind) => {
  it('the secret-encryption migration keeps them working and the worker encrypts them away', async () => {
    const fresh = await createTestDatabase(kind);
    try {
      const db = fresh.db;
      await db.execute(sql`DROP SCHEMA public CASCADE`);
      await db.execute(sql`CREATE SCHEMA public`);
      const all = readMigrations();
      const upTo = all.findIndex((m) => m.tag.endsWith('_webhook_secret_encryption'));
      await migrate(db, { migrations: all.slice(0, upTo) });
      // A rule as the code before 0005 wrote it: the secret in plaintext in notification_preferences.secret.
      const hook = await receiver((_, __, res) => res.writeHead(200).end('ok'));
      const userId = randomUUID();
      const project = `proj-${userId.slice(0, 8)}`;
      const legacy = `whsec_${'ab'.repeat(24)}`;
      // Raw SQL: the schema of today has columns (user.slack_user_id, 0013) this old database does not have yet.
      await db.execute(sql`INSERT INTO "user" (id, name, email, role) VALUES (${userId}, 'old', ${`old-${userId}@example.com`}, 'engineer')`);
      await db.execute(sql`INSERT INTO notification_preferences (user_id, channel, target_url, secret, projects)
                           VALUES (${userId}, 'webhook', ${hook.url}, ${legacy}, ARRAY[${project}])`);
      expect((await migrate(db)).applied).toEqual(all.slice(upTo).map((m) => m.tag));

      const pause = await pauseIn(db, project);
      await deliverDueWebhooks(db);
      const [d] = await deliveriesOf(db, pause.id);
      expect(d).toMatchObject({ status: 'delivered' });
      expect(verify(legacy, hook.received[0].body, hook.received[0].signature)).toBe(String(d.id));
      const [row] = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
      expect(row.legacySecret).toBeNull();
      expect(row.secretCiphertext).toMatch(/^v1\./);
      expect(JSON.stringify(await db.execute(sql`SELECT * FROM notification_preferences`))).not.toContain(legacy);
    } finally {
      await fresh.destroy();
    }
  });
});
