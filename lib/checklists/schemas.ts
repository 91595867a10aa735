import { z } from 'zod';
import { checklistPhases, checklistStatuses, roles, signoffRoles } from '@/lib/db/schema/enums';

/** Input schemas of the checklist commands and queries; server actions and route handlers parse with these. */

export const actorSchema = z.object({ id: z.string().min(1), name: z.string(), role: z.enum(roles) });
export type Actor = z.infer<typeof actorSchema>;

const text = (max: number) => z.string().max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));
const isoDate = z.iso.date();

export const draftItemSchema = z.object({
  text: text(2_000),
  checked: z.boolean().default(false),
  required: z.boolean().default(true),
  command: text(20_000).nullable().default(null),
  commandLanguage: text(100).nullable().optional(),
  get children(): z.ZodDefault<z.ZodArray<typeof draftItemSchema>> {
    return z.array(draftItemSchema).default([]);
  },
});

export const draftSectionSchema = z.object({
  title: text(300),
  phase: z.enum(checklistPhases),
  description: text(50_000).nullable().default(null),
  signoffRole: z.enum(signoffRoles).nullable().default(null),
  items: z.array(draftItemSchema).default([]),
});

const releaseFields = {
  version: optionalText(100),
  environment: optionalText(100),
  targetDate: isoDate.optional(),
};

export const createChecklistFromMarkdownSchema = z.object({
  // 2 MB is far above any real checklist (5,000 items is ~250 kB) and keeps a paste from exhausting memory.
  markdown: z.string().min(1).max(2_000_000),
  /** Overrides the document's own `# title`. */
  title: optionalText(300),
  asTemplate: z.boolean().default(false),
  ...releaseFields,
});
export type CreateChecklistFromMarkdownInput = z.input<typeof createChecklistFromMarkdownSchema>;

export const createTemplateSchema = z.object({
  title: z.string().trim().min(1).max(300),
  sections: z.array(draftSectionSchema).min(1).max(500),
  requiredRoles: z.array(z.enum(signoffRoles)).min(1).default([...signoffRoles]),
});
export type CreateTemplateInput = z.input<typeof createTemplateSchema>;

export const instantiateFromTemplateSchema = z.object({
  templateId: z.uuid(),
  title: z.string().trim().min(1).max(300),
  ...releaseFields,
});
export type InstantiateFromTemplateInput = z.input<typeof instantiateFromTemplateSchema>;

export const tickItemSchema = z.object({ itemId: z.uuid(), note: optionalText(2_000) });
export type TickItemInput = z.input<typeof tickItemSchema>;

export const untickItemSchema = z.object({ itemId: z.uuid(), note: optionalText(2_000) });
export type UntickItemInput = z.input<typeof untickItemSchema>;

export const signOffSchema = z.object({
  checklistId: z.uuid(),
  role: z.enum(signoffRoles),
  note: optionalText(2_000),
});
export type SignOffInput = z.input<typeof signOffSchema>;

export const voidSignoffSchema = z.object({ signoffId: z.uuid(), reason: z.string().trim().min(1).max(2_000) });
export type VoidSignoffInput = z.input<typeof voidSignoffSchema>;

export const listChecklistsSchema = z.object({
  templates: z.boolean().default(false),
  status: z.enum(checklistStatuses).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type ListChecklistsInput = z.input<typeof listChecklistsSchema>;

export const checklistIdSchema = z.object({ checklistId: z.uuid() });

export const checklistHistorySchema = z.object({
  checklistId: z.uuid(),
  before: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type ChecklistHistoryInput = z.input<typeof checklistHistorySchema>;
