'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { guardedAction } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { setFourEyes } from '@/lib/checkpoints/four-eyes';

const schema = z.object({
  project: z.string().trim().min(1, 'Name the project').max(200),
  fourEyes: z.enum(['on', 'off']).transform((v) => v === 'on'),
});

/** Settings → Restores: four-eyes on or off for one project (admins). */
export const setFourEyesAction = guardedAction(
  'projects:policy',
  schema,
  async (input, user) => {
    await setFourEyes(await getDb(), input, user);
    revalidatePath('/settings/restores');
    return { ok: true };
  },
  { audit: 'project.four_eyes' },
);
