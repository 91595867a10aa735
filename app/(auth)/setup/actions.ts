'use server';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit/log';
import { clientMeta } from '@/lib/auth/auth-hooks';
import { fieldErrorsOf, type ActionResult } from '@/lib/auth/guards';
import { createFirstAdmin, MIN_PASSWORD_LENGTH } from '@/lib/auth/users';
import { getDb } from '@/lib/db/client';

const setupSchema = z
  .object({
    email: z.string().trim().toLowerCase().email('Enter an email address'),
    name: z.string().trim().max(100).optional(),
    password: z.string().min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`).max(256),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The passwords differ' });

/**
 * Public on purpose (listed in lib/auth/matrix.test.ts): nobody can be signed in before the first user
 * exists. It guards itself instead: createFirstAdmin refuses, under a lock, once any user exists.
 */
export async function createFirstAdminAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const parsed = setupSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'Please correct the highlighted fields.', fieldErrors: fieldErrorsOf(parsed.error) };
  const db = await getDb();
  const r = await createFirstAdmin(db, parsed.data);
  if (!r.ok && r.reason === 'weak_password') return { error: 'Choose a stronger password.', fieldErrors: { password: [r.message] } };
  const meta = clientMeta(await headers());
  if (!r.ok) {
    await recordAudit(db, { actor: { kind: 'anonymous' }, action: 'user.setup', outcome: 'denied', ...meta });
    return { error: 'Set-up is already done. Sign in instead.' };
  }
  await recordAudit(db, {
    actor: { kind: 'anonymous' },
    action: 'user.create',
    targetType: 'user',
    targetId: r.user.id,
    outcome: 'success',
    ...meta,
    details: { email: r.user.email, role: 'admin', via: 'setup' },
  });
  redirect('/sign-in?setup=done');
}
