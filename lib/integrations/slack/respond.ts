import { eq } from 'drizzle-orm';
import type { ActorOf } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import { pausedSessions, user } from '@/lib/db/schema';
import { abortSession, resumeSession } from '@/lib/interventions/commands';
import { actorLabel } from '@/lib/auth/actor';
import { restoreFromPause } from '@/lib/checkpoints/restore-from-pause';
import { log } from '@/lib/log';
import { OutboundError, outboundRequest } from '@/lib/net/outbound';
import { ephemeralMessage, outcomeMessage, slackDate, slackEscape, type SlackDecision } from '@/lib/interventions/slack/messages';

/**
 * The part of a Slack click that runs after the HTTP answer (Slack wants one within 3 s): the same guarded,
 * race-safe command as the browser button, then the outcome posted to the payload's response_url through the
 * guarded outbound client (https or an allowed host, never link-local), replacing the buttons.
 */
const verbs = { resumed: 'Resumed', aborted: 'Aborted', restored: 'Restored' } as const;

/** "Resumed by Ana Lee at 14:02 — note …", from the pause as it is now stored. */
async function describeResolution(db: Db, pausedSessionId: string) {
  const [p] = await db.select().from(pausedSessions).where(eq(pausedSessions.id, pausedSessionId));
  if (!p?.resolution) return null;
  const [who] = p.resolvedBy ? await db.select({ name: user.name }).from(user).where(eq(user.email, p.resolvedBy)) : [];
  const name = slackEscape(who?.name ?? p.resolvedBy ?? 'someone');
  const at = p.resolvedAt ? ` at ${slackDate(new Date(p.resolvedAt), '{time}')}` : '';
  const note = p.resolutionNote ? ` — note: ${slackEscape(p.resolutionNote)}` : '';
  return { name, verb: verbs[p.resolution], line: `${verbs[p.resolution]} by ${name}${at}${note}` };
}

export type SlackReply = { kind: 'replace'; text: string } | { kind: 'ephemeral'; text: string };

/** Runs the decision as `actor` (via: 'slack') and says what the channel should now show. */
export async function decideFromSlack(
  db: Db,
  input: { decision: SlackDecision; pausedSessionId: string },
  actor: ActorOf<'user'>,
): Promise<SlackReply> {
  const { decision, pausedSessionId } = input;
  const r =
    decision === 'resume'
      ? await resumeSession(db, { pausedSessionId }, actor)
      : decision === 'abort'
        ? await abortSession(db, { pausedSessionId }, actor)
        : await restoreFromPause(db, { pausedSessionId }, actor);
  if (r.ok && 'pending' in r && r.pending) {
    // Four-eyes project: the restore is a request until a second engineer approves it in the console.
    return { kind: 'replace', text: `Restore from checkpoint #${r.sequence} requested by ${actorLabel(actor)} — awaiting a second engineer's approval in the console` };
  }
  if (r.ok) {
    const d = await describeResolution(db, pausedSessionId);
    const from = 'sequence' in r ? ` — from checkpoint #${r.sequence}` : '';
    return { kind: 'replace', text: `${d?.line ?? `${decision} done`}${from}` };
  }
  if (r.reason === 'already_resolved') {
    const d = await describeResolution(db, pausedSessionId);
    return { kind: 'replace', text: `Already resolved by ${d?.name ?? 'someone else'}: ${d?.line ?? r.message}` };
  }
  return { kind: 'ephemeral', text: r.message };
}

/** POSTs to a Slack response_url; one retry on a network error or 5xx. Never throws. */
export async function postToResponseUrl(responseUrl: string, body: unknown): Promise<boolean> {
  const host = URL.canParse(responseUrl) ? new URL(responseUrl).host : 'invalid';
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const res = await outboundRequest(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Flightdeck-Slack/1' },
        body: JSON.stringify(body),
        strict: true,
        timeoutMs: 5_000,
        maxResponseBytes: 4096,
      });
      if (res.status >= 200 && res.status < 300) return true;
      log().warn({ host, status: res.status, attempt }, 'slack response_url answered an error');
      if (res.status < 500) return false;
    } catch (err) {
      if (!(err instanceof OutboundError)) throw err;
      // A refused target is final and logged without its address (the log must not map private ports).
      log().warn({ host, code: err.code, attempt }, 'slack response_url not reached');
      if (err.code === 'refused' || err.code === 'bad_url') return false;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/** The reply as Slack's response_url expects it: replace the message, or an ephemeral note to the clicker. */
export function replyBody(reply: SlackReply, originalBlocks: unknown[] | undefined) {
  return reply.kind === 'replace' ? outcomeMessage(originalBlocks, reply.text) : ephemeralMessage(reply.text);
}
