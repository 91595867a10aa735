'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit/log';
import { guardedAction, requestMeta } from '@/lib/auth/guards';
import { linkSlackUser, slackLinkAnswer, slackLinkFieldSchema } from '@/lib/auth/slack-link';
import { changeUserRole, createUser, MIN_PASSWORD_LENGTH, setUserActive } from '@/lib/auth/users';
import { getDb } from '@/lib/db/client';
import { roles } from '@/lib/db/schema/enums';

const refusals = {
  not_found: 'That user no longer exists.',
  last_admin: 'This is the last active admin; make someone else admin first.',
  unchanged: 'Nothing to change.',
} as const;

const createUserSchema = z.object({
  email: z.string().trim().toLowerCase().email('Enter an email address'),
  name: z.string().trim().max(100).optional(),
  role: z.enum(roles),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`)
    .max(256, 'At most 256 characters'),
});

export const createUserAction = guardedAction('users:manage', createUserSchema, async (input, me) => {
  const db = await getDb();
  const r = await createUser(db, input);
  if (!r.ok) {
    const fieldErrors: Record<string, string[]> =
      r.reason === 'weak_password' ? { password: [r.message] } : { email: ['Already exists'] };
    return { error: r.reason === 'weak_password' ? 'Choose a stronger password.' : 'A user with this email already exists.', fieldErrors };
  }
  await recordAudit(db, {
    actor: me,
    action: 'user.create',
    targetType: 'user',
    targetId: r.user.id,
    outcome: 'success',
    ...(await requestMeta()),
    details: { email: r.user.email, role: r.user.role },
  });
  revalidatePath('/settings/users');
  return { ok: true };
});

const changeRoleSchema = z.object({ userId: z.string().min(1), role: z.enum(roles) });

export const changeRoleAction = guardedAction('users:manage', changeRoleSchema, async (input, me) => {
  const db = await getDb();
  const r = await changeUserRole(db, input);
  if (!r.ok) return { error: refusals[r.reason] };
  await recordAudit(db, {
    actor: me,
    action: 'user.role_change',
    targetType: 'user',
    targetId: r.user.id,
    outcome: 'success',
    ...(await requestMeta()),
    details: { email: r.user.email, from: r.previousRole, to: r.user.role },
  });
  revalidatePath('/settings/users');
  return { ok: true };
});

const setActiveSchema = z.object({
  userId: z.string().min(1),
  active: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
});

export const setUserActiveAction = guardedAction('users:manage', setActiveSchema, async (input, me) => {
  if (!input.active && input.userId === me.id) return { error: 'You cannot deactivate yourself.' };
  const db = await getDb();
  const r = await setUserActive(db, input);
  if (!r.ok) return { error: refusals[r.reason] };
  await recordAudit(db, {
    actor: me,
    action: input.active ? 'user.reactivate' : 'user.deactivate',
    targetType: 'user',
    targetId: r.user.id,
    outcome: 'success',
    ...(await requestMeta()),
    details: { email: r.user.email, endedSessions: r.endedSessions },
  });
  revalidatePath('/settings/users');
  return { ok: true };
});

/** An admin links (or, empty, unlinks) someone's Slack member ID. */
export const setUserSlackAction = guardedAction(
  'users:manage',
  z.object({ userId: z.string().min(1), slackUserId: slackLinkFieldSchema }),
  async (input, me) => {
    const r = await linkSlackUser(await getDb(), input, { ...me, ...(await requestMeta()) });
    if (r.ok) revalidatePath('/settings/users');
    return slackLinkAnswer(r);
  },
  { audit: 'user.slack_link' },
);
