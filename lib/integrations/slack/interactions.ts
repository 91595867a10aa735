import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { userActor, type ActorOf } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import { DEMO_EMAIL_DOMAIN } from '@/lib/auth/demo-users';
import { can, type Permission } from '@/lib/auth/permissions';
import type { Db } from '@/lib/db/client';
import { user } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { requestMeta } from '@/lib/http/request-meta';
import { log } from '@/lib/log';
import { ephemeralMessage, slackActionIds, type SlackDecision } from '@/lib/interventions/slack/messages';
import { decideFromSlack, postToResponseUrl, replyBody } from './respond';
import { claimSlackRequest, verifySlackSignature } from './verify';

/**
 * POST /api/integrations/slack/interactions — Slack's interactive payload (block_actions) for the pause
 * message's buttons. This is the door's guard, in order:
 * 1. the request signature (SLACK_SIGNING_SECRET, ±5 min, constant time) — else 401, nothing read further;
 * 2. the body: form-encoded `payload`, a block_actions with one of our action ids and a pause id — else 400
 *    naming the field, nothing written;
 * 3. the replay store: a signature seen before is refused with 401;
 * 4. the Slack member → Flightdeck user (users.slack_user_id) and the role's permission for that decision —
 *    else a 200 with an ephemeral explanation (Slack shows it only to the clicker) and nothing changes (a role
 *    refusal is audited as `denied`, like the browser's guard).
 * Then it answers 200 at once and returns `background`: the command and the response_url update, which the
 * route runs after the response (next/server's after()).
 */
export const SLACK_MAX_BODY_BYTES = 256 * 1024;

const decisionOf: Record<string, SlackDecision | undefined> = {
  [slackActionIds.resume]: 'resume',
  [slackActionIds.abort]: 'abort',
  [slackActionIds.restore]: 'restore',
};
const permissionOf: Record<SlackDecision, Permission> = {
  resume: 'interventions:resume',
  abort: 'interventions:abort',
  restore: 'interventions:restore',
};
const nouns: Record<SlackDecision, string> = { resume: 'resume', abort: 'abort', restore: 'restore' };

const payloadSchema = z.object({
  type: z.literal('block_actions', { error: 'must be block_actions' }),
  user: z.object({ id: z.string().regex(/^[UW][A-Z0-9]{2,30}$/, 'must be a Slack member ID (U…)') }),
  response_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000),
  actions: z
    .array(z.object({ action_id: z.string().max(255), value: z.string().max(2000).optional() }))
    .min(1, 'must hold the clicked button'),
  message: z.object({ blocks: z.array(z.unknown()).max(100).optional() }).optional(),
});
export type SlackPayload = z.infer<typeof payloadSchema>;

export type SlackOutcome = { response: Response; background?: () => Promise<void> };

const json = (status: number, body: unknown) => Response.json(body, { status });
const unauthorized = (message: string) => json(401, { error: { code: 'unauthorized', message } });
const invalid = (path: string, message: string) =>
  json(400, { error: { code: 'invalid_payload', message: `${path} ${message}`, fields: [{ path, message }] } });

function parsePayload(request: Request, rawBody: string): { ok: true; payload: SlackPayload } | { ok: false; response: Response } {
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return { ok: false, response: invalid('content-type', 'must be application/x-www-form-urlencoded') };
  }
  const raw = new URLSearchParams(rawBody).get('payload');
  if (!raw) return { ok: false, response: invalid('payload', 'is missing') };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, response: invalid('payload', 'is not JSON') };
  }
  const parsed = payloadSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, response: invalid(['payload', ...issue.path].join('.'), issue.message) };
  }
  return { ok: true, payload: parsed.data };
}

/** The Flightdeck user linked to a Slack member, unless deactivated (or a demo account outside the demo). */
async function linkedUser(db: Db, slackUserId: string): Promise<ActorOf<'user'> | null> {
  const [u] = await db.select().from(user).where(eq(user.slackUserId, slackUserId));
  if (!u || u.banned) return null;
  const e = env();
  if (u.email.endsWith(DEMO_EMAIL_DOMAIN) && e.NODE_ENV === 'production' && !e.FLIGHTDECK_DEMO) return null;
  return userActor(u, 'slack');
}

async function readBody(request: Request): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > SLACK_MAX_BODY_BYTES) return null;
  const buf = Buffer.from(await request.arrayBuffer());
  return buf.length > SLACK_MAX_BODY_BYTES ? null : buf.toString('utf8');
}

/** An ephemeral answer, in the HTTP response and (since Slack shows block_actions answers only there) at response_url. */
function explain(payload: SlackPayload, text: string): SlackOutcome {
  const body = ephemeralMessage(text);
  return { response: json(200, body), background: async () => void (await postToResponseUrl(payload.response_url, body)) };
}

export async function handleSlackInteraction(db: Db, request: Request, options: { nowS?: number } = {}): Promise<SlackOutcome> {
  const secret = env().SLACK_SIGNING_SECRET;
  if (!secret) {
    log().warn('slack interaction refused: SLACK_SIGNING_SECRET is not set');
    return { response: unauthorized('Slack interactions are not configured (SLACK_SIGNING_SECRET)') };
  }
  const rawBody = await readBody(request);
  if (rawBody === null) return { response: json(413, { error: { code: 'payload_too_large', message: `over ${SLACK_MAX_BODY_BYTES} bytes` } }) };
  const signature = request.headers.get('x-slack-signature');
  const verdict = verifySlackSignature(secret, {
    timestamp: request.headers.get('x-slack-request-timestamp'),
    signature,
    rawBody,
    nowS: options.nowS,
  });
  if (!verdict.ok) {
    log().warn({ reason: verdict.reason }, 'slack interaction refused: bad signature');
    return { response: unauthorized(verdict.reason === 'stale' ? 'Request timestamp is not within 5 minutes' : 'Invalid Slack signature') };
  }
  const parsed = parsePayload(request, rawBody);
  if (!parsed.ok) return { response: parsed.response };
  const { payload } = parsed;
  const action = payload.actions[0];
  const decision = decisionOf[action.action_id];
  if (!decision) {
    // The Open button is a link; Slack still reports its click. Nothing to do.
    if (action.action_id === slackActionIds.open) return { response: new Response(null, { status: 200 }) };
    return { response: invalid('payload.actions.0.action_id', `is not a Flightdeck action`) };
  }
  const pausedSessionId = action.value ?? '';
  if (!z.uuid().safeParse(pausedSessionId).success) return { response: invalid('payload.actions.0.value', 'must be a pause id') };
  if (!(await claimSlackRequest(db, signature!))) {
    log().warn('slack interaction refused: replayed request');
    return { response: unauthorized('This request was already received (replay)') };
  }
  const found = await linkedUser(db, payload.user.id);
  if (!found) {
    return explain(
      payload,
      `Your Slack account (${payload.user.id}) is not linked to a Flightdeck user, so nothing was done. ` +
        'Add your Slack member ID in Flightdeck under Settings → Notifications, or ask an admin to.',
    );
  }
  const actor = { ...found, ...requestMeta(request.headers) };
  const permission = permissionOf[decision];
  if (!can(actor.role, permission)) {
    await recordAudit(db, {
      actor,
      action: `intervention.${decision}`,
      targetType: 'paused_session',
      targetId: pausedSessionId,
      outcome: 'denied',
      details: { permission, slackUserId: payload.user.id },
    });
    return explain(payload, `Your Flightdeck role (${actor.role}) may not ${nouns[decision]} paused sessions, so nothing was done.`);
  }
  return {
    response: new Response(null, { status: 200 }),
    background: async () => {
      const reply = await decideFromSlack(db, { decision, pausedSessionId }, actor);
      await postToResponseUrl(payload.response_url, replyBody(reply, payload.message?.blocks));
    },
  };
}
