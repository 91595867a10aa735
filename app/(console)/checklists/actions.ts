'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { guardedAction, type ActionResult } from '@/lib/auth/guards';
import { signPermission } from '@/lib/auth/permissions';
import {
  createChecklistFromMarkdown,
  instantiateFromTemplate,
  tickItem,
  untickItem,
} from '@/lib/checklists/commands';
import { signOff, voidSignoff } from '@/lib/checklists/signoff';
import { IMPORT_TOO_LARGE, isImportTooLarge } from '@/lib/checklists/import-limit';
import { parseChecklistMarkdown, previewChecklist, type ChecklistPreview } from '@/lib/checklists/markdown';
import { getDb } from '@/lib/db/client';
import type { SignoffRole } from '@/lib/db/schema/enums';
import { refreshChecklist } from './refresh';

/**
 * Checklist mutations for the console: each one parses the form and checks the permission (guardedAction, the one
 * check) and calls lib/checklists/commands.ts with the person as its actor; the command owns the transaction and
 * the audit row. A refusal of the command (items open, already signed…) comes back as `error` and is shown next
 * to the control that caused it.
 */

// Forms send '' for an empty field; the library's schemas want the field absent.
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalField = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());
const releaseFields = {
  version: optionalField(100),
  environment: optionalField(100),
  targetDate: z.preprocess(blankToUndefined, z.iso.date({ message: 'Use a date like 2025-06-30' }).optional()),
};


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
    const result = await createChecklistFromMarkdown(await getDb(), input, user);
    if (!result.ok) return { error: result.message };
    revalidatePath('/checklists');
    return { ok: true, data: { checklistId: result.checklistId } };
  },
  { audit: 'checklist.create' },
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
    const result = await instantiateFromTemplate(await getDb(), input, user);
    if (!result.ok) return { error: result.message };
    revalidatePath('/checklists');
    return { ok: true, data: { checklistId: result.checklistId } };
  },
  { audit: 'checklist.instantiate', auditDetails: (i) => ({ templateId: i.templateId }) },
);

// ------------------------------------------------------------------------------------------------ ticking

const tickSchema = z.object({ itemId: z.uuid(), note: optionalField(2_000) });

export const tickItemAction = guardedAction(
  'checklists:tick',
  tickSchema,
  async (input, user) => {
    const result = await tickItem(await getDb(), input, user);
    if (!result.ok) return { error: result.message };
    refreshChecklist(result.item.checklistId);
    return { ok: true };
  },
  { audit: 'checklist.tick', auditDetails: (i) => ({ itemId: i.itemId }) },
);

export const untickItemAction = guardedAction(
  'checklists:tick',
  tickSchema,
  async (input, user) => {
    const result = await untickItem(await getDb(), input, user);
    if (!result.ok) return { error: result.message };
    refreshChecklist(result.item.checklistId);
    return { ok: true };
  },
  { audit: 'checklist.untick', auditDetails: (i) => ({ itemId: i.itemId }) },
);

// ------------------------------------------------------------------------------------------------ sign-off

// The permission depends on the role being signed, and guardedAction checks one fixed permission: so one action
// per role. A refusal is audited with the checklist's id, so it shows in the checklist's history.
const signSchema = z.object({ checklistId: z.uuid(), note: optionalField(2_000) });
const voidSchema = z.object({
  checklistId: z.uuid(),
  signoffId: z.uuid(),
  reason: z.string().trim().min(1, 'Say why the sign-off is withdrawn').max(2_000),
});

function signAction(role: SignoffRole) {
  return guardedAction(
    signPermission(role),
    signSchema,
    async (input, user): Promise<ActionResult> => {
      const result = await signOff(await getDb(), { ...input, role }, user);
      if (!result.ok) return { error: result.message };
      refreshChecklist(input.checklistId);
      return { ok: true };
    },
    { audit: 'checklist.signoff', auditDetails: (i) => ({ checklistId: i.checklistId, signoffRole: role }) },
  );
}

// voidSignoff refuses a sign-off of another role than the one whose permission this action checked.
function voidAction(role: SignoffRole) {
  return guardedAction(
    signPermission(role),
    voidSchema,
    async (input, user): Promise<ActionResult> => {
      const result = await voidSignoff(await getDb(), { signoffId: input.signoffId, role, reason: input.reason }, user);
      if (!result.ok) return { error: result.message };
      refreshChecklist(input.checklistId);
      return { ok: true };
    },
    {
      audit: 'checklist.signoff_void',
      auditDetails: (i) => ({ checklistId: i.checklistId, signoffId: i.signoffId, signoffRole: role }),
    },
  );
}

export const signDevelopmentAction = signAction('development');
export const signQaAction = signAction('qa');
export const signDevopsAction = signAction('devops');
export const signProductionAction = signAction('production');

export const voidDevelopmentAction = voidAction('development');
export const voidQaAction = voidAction('qa');
export const voidDevopsAction = voidAction('devops');
export const voidProductionAction = voidAction('production');
