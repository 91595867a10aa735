'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { guardedAction } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { pauseTypes } from '@/lib/db/schema/enums';
import {
  deleteNotificationPreference,
  rotateWebhookSecret,
  saveNotificationPreference,
} from '@/lib/interventions/notifications';

const list = <T extends z.ZodType>(item: T) =>
  z
    .union([item, z.array(item)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

const preferenceSchema = z
  .object({
    id: z
      .string()
      .optional()
      .transform((v) => v || null)
      .pipe(z.string().uuid().nullable()),
    channel: z.enum(['in_app', 'webhook']),
    targetUrl: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || null),
    'pauseTypes[]': list(z.enum(pauseTypes)),
    projects: z
      .string()
      .optional()
      .transform((v) => [...new Set((v ?? '').split(',').map((p) => p.trim()).filter(Boolean))].slice(0, 50)),
    enabled: z
      .string()
      .optional()
      .transform((v) => v === 'on' || v === 'true'),
  })
  .superRefine((v, ctx) => {
    if (v.channel !== 'webhook') return;
    if (!v.targetUrl) return ctx.addIssue({ code: 'custom', path: ['targetUrl'], message: 'A webhook needs a URL' });
    try {
      const u = new URL(v.targetUrl);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error();
    } catch {
      ctx.addIssue({ code: 'custom', path: ['targetUrl'], message: 'Enter an http(s) URL' });
    }
  });

/** Saves one of the caller's own rules; a new webhook rule returns its signing secret once, to show. */
export const savePreferenceAction = guardedAction('notifications:manage-own', preferenceSchema, async (input, user) => {
  const r = await saveNotificationPreference(await getDb(), {
    userId: user.id,
    id: input.id,
    channel: input.channel,
    targetUrl: input.targetUrl,
    pauseTypes: input['pauseTypes[]'],
    projects: input.projects,
    enabled: input.enabled,
  });
  if (!r.ok) return { error: 'That rule no longer exists.' };
  revalidatePath('/settings/notifications');
  return { ok: true };
});

const idSchema = z.object({ id: z.string().uuid() });

export const deletePreferenceAction = guardedAction('notifications:manage-own', idSchema, async (input, user) => {
  const ok = await deleteNotificationPreference(await getDb(), { userId: user.id, id: input.id });
  revalidatePath('/settings/notifications');
  return ok ? { ok: true } : { error: 'That rule no longer exists.' };
});

export const rotateSecretAction = guardedAction('notifications:manage-own', idSchema, async (input, user) => {
  const row = await rotateWebhookSecret(await getDb(), { userId: user.id, id: input.id });
  revalidatePath('/settings/notifications');
  return row ? { ok: true } : { error: 'That webhook no longer exists.' };
});
