import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { POST } from '@/app/api/integrations/slack/interactions/route';
import { linkSlackUser } from '@/lib/auth/slack-link';
import { queryRows, type Db } from '@/lib/db/client';
import { pausedSessions, user } from '@/lib/db/schema';
import type { Role } from '@/lib/db/schema/enums';
import { resetEnvCache } from '@/lib/env';
import { pauseSession } from '@/lib/interventions/commands';
import { deliverDueWebhooks } from '@/lib/interventions/webhooks';
import { agent, makeCheckpoint, makeSession } from '@/lib/test/factories';
import { afterAll, beforeAll } from 'vitest';
import { startFakeSlack, type FakeSlack, type SlackPost } from '@/lib/test/fake-slack';

/** Shared set-up of the Slack tests: people with linked Slack IDs, a paused session's message at the fake Slack. */
export const SECRET = 'slack-signing-secret-for-tests';

export function slackEnv(fake: FakeSlack) {
  process.env.SLACK_SIGNING_SECRET = SECRET;
  process.env.SLACK_WEBHOOK_URL = `${fake.base}/webhook/fleet`;
  process.env.OUTBOUND_ALLOWED_HOSTS = '127.0.0.1';
  process.env.APP_URL = 'https://flightdeck.example.com';
  resetEnvCache();
}

export function clearSlackEnv() {
  for (const k of ['SLACK_SIGNING_SECRET', 'SLACK_WEBHOOK_URL', 'OUTBOUND_ALLOWED_HOSTS', 'APP_URL']) delete process.env[k];
  resetEnvCache();
}

/** A test file's fake Slack, started with the Slack configuration before its tests and closed after them. */
export function withFakeSlack(): () => FakeSlack {
  let fake: FakeSlack | undefined;
  beforeAll(async () => {
    fake = await startFakeSlack();
    slackEnv(fake);
  });
  afterAll(async () => {
    clearSlackEnv();
    await fake?.close();
  });
  return () => fake!;
}

export async function person(db: Db, name: string, role: Role, slack: boolean) {
  const id = randomUUID();
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}-${id.slice(0, 6)}@example.com`;
  await db.insert(user).values({ id, name, email, role });
  const slackUserId = `U${id.replace(/-/g, '').slice(0, 10).toUpperCase()}`;
  if (slack) await linkSlackUser(db, { userId: id, slackUserId }, { kind: 'system', id: 'test', name: 'test', via: 'job' });
  return { id, email, name, role, slackUserId, actor: { kind: 'user' as const, id, email, name, role, via: 'browser' as const } };
}

/** Pauses a new session (with a checkpoint to restore) and returns the Block Kit message the fleet channel got. */
export async function pausedMessage(db: Db, fake: FakeSlack) {
  const s = await makeSession(db, { agentName: 'billing-bot' });
  await makeCheckpoint(db, s.id, 1);
  const r = await pauseSession(
    db,
    { sessionId: s.id, reason: 'Needs approval <to deploy>', pauseType: 'blocker', context: { last_error: 'HTTP 503 from deploy' } },
    agent,
  );
  if (!r.ok) throw new Error(r.message);
  const before = fake.received.filter((p) => p.path === '/webhook/fleet').length;
  const out = await deliverDueWebhooks(db);
  if (!out.some((o) => o.status === 'delivered')) throw new Error(`not delivered: ${JSON.stringify(out)}`);
  const message = await fake.waitFor('/webhook/fleet', 10_000, before + 1);
  return { pauseId: r.pause.id, sessionId: s.id, project: s.project, message: message.body as SlackPost['body'] };
}

/** Sends a signed click to the route handler as Slack would (a real Request). */
export async function send(req: { body: string; headers: Record<string, string> }) {
  return POST(new Request('http://flightdeck.test/api/integrations/slack/interactions', { method: 'POST', headers: req.headers, body: req.body }));
}

export async function pauseRow(db: Db, id: string) {
  const [p] = await db.select().from(pausedSessions).where(eq(pausedSessions.id, id));
  return p;
}

/** Rows that must not change when a request is refused. */
export async function writes(db: Db) {
  const [r] = await queryRows<{ audit: number; seen: number; actions: number }>(
    db,
    sql`SELECT (SELECT count(*)::int FROM audit_log) AS audit, (SELECT count(*)::int FROM slack_seen_requests) AS seen,
               (SELECT count(*)::int FROM intervention_actions) AS actions`,
  );
  return r;
}
