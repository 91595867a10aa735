'use server';
import { revalidatePath } from 'next/cache';
import { guardedAction, requestMeta } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { projectSettingsSchema } from '@/lib/projects/schemas';
import { saveProjectSettings } from '@/lib/projects/settings';

/** Settings → Projects: one project's heartbeat timeout and budgets (admin). */
export const saveProjectSettingsAction = guardedAction(
  'projects:manage',
  projectSettingsSchema,
  async (input, me) => {
    await saveProjectSettings(await getDb(), input, { ...me, ...(await requestMeta()) });
    revalidatePath('/settings/projects');
    return { ok: true };
  },
  { audit: 'project.settings_update', auditDetails: (input) => ({ project: input.project }) },
);
