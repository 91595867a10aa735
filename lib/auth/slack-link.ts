import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit/log';
import type { Db } from '@/lib/db/client';
import { user } from '@/lib/db/schema';
import type { Actor } from './actor';

/**
 * Links a Flightdeck user to a Slack member ID (or unlinks, with null), so their clicks on Slack buttons act as
 * them (lib/integrations/slack). One user per member ID: the unique constraint decides a race, the check below
 * gives the readable refusal. Set by the user (Settings → Notifications), an admin (Settings → Users) or the CLI.
 */
export const slackUserIdSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[UW][A-Z0-9]{2,30}$/, 'A Slack member ID starts with U or W, e.g. U024BE7LH (Slack: your profile → ⋮ → Copy member ID)');

export type SlackLinkResult =
  | { ok: true; slackUserId: string | null }
  | { ok: false; reason: 'not_found' | 'taken'; message: string };

export async function linkSlackUser(db: Db, input: { userId: string; slackUserId: string | null }, actor: Actor): Promise<SlackLinkResult> {
  return db.transaction(async (tx): Promise<SlackLinkResult> => {
    const [target] = await tx.select().from(user).where(eq(user.id, input.userId)).for('update');
    if (!target) return { ok: false, reason: 'not_found', message: 'That user no longer exists.' };
    if (input.slackUserId) {
      const [other] = await tx
        .select({ id: user.id })
        .from(user)
        .where(and(eq(user.slackUserId, input.slackUserId), ne(user.id, target.id)));
      if (other) return { ok: false, reason: 'taken', message: `Slack member ${input.slackUserId} is already linked to another user.` };
    }
    await tx.update(user).set({ slackUserId: input.slackUserId }).where(eq(user.id, target.id));
    await recordAudit(tx, {
      actor,
      action: 'user.slack_link',
      targetType: 'user',
      targetId: target.id,
      outcome: 'success',
      details: { email: target.email, from: target.slackUserId, to: input.slackUserId },
    });
    return { ok: true, slackUserId: input.slackUserId };
  });
}

/** The form field (Settings → Notifications, Settings → Users): empty unlinks. */
export const slackLinkFieldSchema = z
  .string()
  .optional()
  .transform((v) => v?.trim() || null)
  .pipe(slackUserIdSchema.nullable());

/** A link result as a form shows it. */
export function slackLinkAnswer(r: SlackLinkResult): { ok?: boolean; error?: string; fieldErrors?: Record<string, string[]> } {
  if (r.ok) return { ok: true };
  return r.reason === 'taken' ? { error: r.message, fieldErrors: { slackUserId: [r.message] } } : { error: r.message };
}
