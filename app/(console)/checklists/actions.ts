'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { guardedAction, type ActionResult, type UserActor } from '@/lib/auth/guards';
import { signPermission } from '@/lib/auth/permissions';
import {
  createChecklistFromMarkdown,
  instantiateFromTemplate,
  signOff,
  tickItem,
  untickItem,
  voidSignoff,
} from '@/lib/checklists/commands';
import { IMPORT_TOO_LARGE, isImportTooLarge } from '@/lib/checklists/import-limit';
import { parseChecklistMarkdown, previewChecklist, type ChecklistPreview } from '@/lib/checklists/markdown';
import type { SignoffRole } from '@/lib/db/schema/enums';

/**
 * Checklist mutations for the console: each one parses the form, checks the permission (guardedAction) and calls
 * lib/checklists/commands.ts, which checks the role again and owns the transaction. A refusal of the command
 * (items open, already signed…) comes back as `error` and is shown next to the control that caused it.
 */

function actorOf(user: UserActor) {
  return { id: user.id, name: user.name, role: user.role };
}

// Forms send '' for an empty field; the library's schemas want the field absent.
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalField = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());
const releaseFields = {
  version: optionalField(100),
  environment: optionalField(100),
  targetDate: z.preprocess(blankToUndefined, z.iso.date({ message: 'Use a date like 2025-06-30' }).optional()),
};

function refreshChecklist(checklistId: string) {
  revalidatePath(`/checklists/${checklistId}`);
  revalidatePath('/checklists');
}

// ------------------------------------------------------------------------------------------------ import

const markdownField = z
  .string()
  .min(1, 'Paste or upload some Markdown first')
  .refine((s) => !isImportTooLarge(s), IMPORT_TOO_LARGE);

const previewSchema = z.object({ markdown: markdownField });

/** Parses only: nothing is written. The preview is what the import would create. */
export const previewMarkdownAction = guardedAction<typeof previewSchema, ChecklistPreview>(
  'checklists:create',
  previewSchema,
  async ({ markdown }) => ({ ok: true, data: previewChecklist(parseChecklistMarkdown(markdown)) }),
);

const importSchema = z.object({
  markdown: markdownField,
  title: optionalField(300),
  asTemplate: z.preprocess((v) => v === true || v === 'true' || v === 'on', z.boolean()),
  ...releaseFields,
});

export const importChecklistAction = guardedAction<typeof importSchema, { checklistId: string }>(
  'checklists:create',
  importSchema,
  async (input, user) => {
    const result = await createChecklistFromMarkdown({ ...input, actor: actorOf(user) });
    if (!result.ok) return { error: result.message };
    revalidatePath('/checklists');
    return { ok: true, data: { checklistId: result.checklistId } };
  },
);

const instantiateSchema = z.object({
  templateId: z.uuid({ message: 'Choose a template' }),
  title: z.string().trim().min(1, 'A title is required').max(300),
  ...releaseFields,
});

export const instantiateTemplateAction = guardedAction<typeof instantiateSchema, { checklistId: string }>(
  'checklists:create',
  instantiateSchema,
  async (input, user) => {
    const result = await instantiateFromTemplate({ ...input, actor: actorOf(user) });
    if (!result.ok) return { error: result.message };
    revalidatePath('/checklists');
    return { ok: true, data: { checklistId: result.checklistId } };
  },
);

// ------------------------------------------------------------------------------------------------ ticking

const tickSchema = z.object({ itemId: z.uuid(), note: optionalField(2_000) });

export const tickItemAction = guardedAction('checklists:tick', tickSchema, async (input, user) => {
  const result = await tickItem({ ...input, actor: actorOf(user) });
  if (!result.ok) return { error: result.message };
  refreshChecklist(result.item.checklistId);
  return { ok: true };
});

export const untickItemAction = guardedAction('checklists:tick', tickSchema, async (input, user) => {
  const result = await untickItem({ ...input, actor: actorOf(user) });
  if (!result.ok) return { error: result.message };
  refreshChecklist(result.item.checklistId);
  return { ok: true };
});

// ------------------------------------------------------------------------------------------------ sign-off

// The permission depends on the role being signed, and guardedAction checks one fixed permission: so one action
// per role. The library checks `can(role, signPermission(r))` again inside the transaction.
const signSchema = z.object({ checklistId: z.uuid(), note: optionalField(2_000) });
const voidSchema = z.object({
  checklistId: z.uuid(),
  signoffId: z.uuid(),
  reason: z.string().trim().min(1, 'Say why the sign-off is withdrawn').max(2_000),
});

function signAction(role: SignoffRole) {
  return guardedAction(signPermission(role), signSchema, async (input, user): Promise<ActionResult> => {
    const result = await signOff({ ...input, role, actor: actorOf(user) });
    if (!result.ok) return { error: result.message };
    refreshChecklist(input.checklistId);
    return { ok: true };
  });
}

// voidSignoff checks the signer permission of the sign-off's own role, whatever action it came through.
function voidAction(role: SignoffRole) {
  return guardedAction(signPermission(role), voidSchema, async (input, user): Promise<ActionResult> => {
    const result = await voidSignoff({ signoffId: input.signoffId, reason: input.reason, actor: actorOf(user) });
    if (!result.ok) return { error: result.message };
    refreshChecklist(input.checklistId);
    return { ok: true };
  });
}

export const signDevelopmentAction = signAction('development');
export const signQaAction = signAction('qa');
export const signDevopsAction = signAction('devops');
export const signProductionAction = signAction('production');

export const voidDevelopmentAction = voidAction('development');
export const voidQaAction = voidAction('qa');
export const voidDevopsAction = voidAction('devops');
export const voidProductionAction = voidAction('production');
