'use server';
import { z } from 'zod';
import { guardedAction } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { markNotificationsRead } from '@/lib/interventions/notifications';

const markReadSchema = z.object({ ids: z.array(z.number().int()).max(200).optional() });

/** Marks the caller's own notifications read (all of them without ids). */
export const markNotificationsReadAction = guardedAction('console:read', markReadSchema, async (input, user) => {
  await markNotificationsRead(await getDb(), { userId: user.id, ids: input.ids });
  return { ok: true };
});
