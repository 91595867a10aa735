'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit/log';
import { guardedAction, requestMeta } from '@/lib/auth/guards';
import { tokenScopes } from '@/lib/auth/permissions';
import { createApiToken, revokeApiToken } from '@/lib/auth/tokens';
import { getDb } from '@/lib/db/client';

const createTokenSchema = z.object({
  name: z.string().trim().min(1, 'Give the token a name').max(100),
  // A form with one ticked box sends a string, with several an array.
  scopes: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.enum(tokenScopes)).min(1, 'Pick at least one scope'),
  ),
  expiresDays: z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z.coerce.number().int().min(1).max(3650).optional(),
  ),
});

export const createTokenAction = guardedAction(
  'tokens:manage',
  createTokenSchema,
  async (input, me) => {
    const db = await getDb();
    const expiresAt = input.expiresDays ? new Date(Date.now() + input.expiresDays * 86_400_000) : null;
    const { token, record } = await createApiToken(db, { name: input.name, scopes: input.scopes, createdBy: me.id, expiresAt });
    await recordAudit(db, {
      actor: me,
      action: 'token.create',
      targetType: 'api_token',
      targetId: record.id,
      outcome: 'success',
      ...(await requestMeta()),
      details: { name: record.name, scopes: record.scopes, prefix: record.prefix, expiresAt: expiresAt?.toISOString() ?? null },
    });
    revalidatePath('/settings/tokens');
    // The only time the secret leaves the server: the page shows it once and it is never stored in clear.
    return { ok: true, data: { token, name: record.name, prefix: record.prefix } };
  },
);

const revokeTokenSchema = z.object({ id: z.string().uuid() });

export const revokeTokenAction = guardedAction('tokens:manage', revokeTokenSchema, async (input, me) => {
  const db = await getDb();
  const r = await revokeApiToken(db, { id: input.id, revokedBy: me.id });
  if (!r.ok) return { error: 'That token does not exist or is already revoked.' };
  await recordAudit(db, {
    actor: me,
    action: 'token.revoke',
    targetType: 'api_token',
    targetId: input.id,
    outcome: 'success',
    ...(await requestMeta()),
  });
  revalidatePath('/settings/tokens');
  return { ok: true };
});
