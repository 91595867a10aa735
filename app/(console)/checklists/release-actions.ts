'use server';
import { z } from 'zod';
import { guardedAction, type ActionResult } from '@/lib/auth/guards';
import { signOff } from '@/lib/checklists/commands';
import { setApprovalPolicy } from '@/lib/checklists/policy-commands';
import { failItem } from '@/lib/checklists/release';
import { getDb } from '@/lib/db/client';
import { roles, signoffRoles, type SignoffRole } from '@/lib/db/schema/enums';
import { refreshChecklist } from './refresh';

/**
 * Release-gate actions of the console: signing as a person a policy names (whatever their console role: the
 * command checks the policy), a template's approval policy (admin and QA lead), an item marked failed.
 */

const signNamedSchema = z.object({ checklistId: z.uuid(), role: z.enum(signoffRoles), note: z.string().trim().max(2_000).optional() });

export const signNamedAction = guardedAction(
  'checklists:sign:named',
  signNamedSchema,
  async (input, user): Promise<ActionResult> => {
    const result = await signOff(await getDb(), { ...input, note: input.note || undefined }, user);
    if (!result.ok) return { error: result.message };
    refreshChecklist(input.checklistId);
    return { ok: true };
  },
  { audit: 'checklist.signoff', auditDetails: (i) => ({ checklistId: i.checklistId, signoffRole: i.role }) },
);

const list = (v: unknown) =>
  (Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[\s,]+/) : []).map(String).filter((x) => x.trim() !== '');
const flag = (v: unknown) => v === true || v === 'on' || v === 'true';

const policyForm = z.object({
  templateId: z.uuid(),
  requiredRoles: z.array(z.enum(signoffRoles)).min(1, 'Choose at least one required role'),
  policy: z.object({
    noSelfReview: z.boolean(),
    oneRolePerPerson: z.boolean(),
    roles: z.partialRecord(
      z.enum(signoffRoles),
      z.object({
        count: z.number().int().min(1, 'At least 1').max(10, 'At most 10'),
        consoleRoles: z.array(z.enum(roles)),
        users: z.array(z.email('Emails, separated by commas').toLowerCase()).max(50),
      }),
    ),
  }),
});

/** The form posts `required.<role>`, `count.<role>`, `roles.<role>` (console roles) and `users.<role>` (emails). */
const policyFormSchema = z
  .record(z.string(), z.unknown())
  .transform((f): z.input<typeof policyForm> => {
    const required = signoffRoles.filter((r) => flag(f[`required.${r}`]));
    return {
      templateId: String(f.templateId ?? ''),
      requiredRoles: required,
      policy: {
        noSelfReview: flag(f.noSelfReview),
        oneRolePerPerson: flag(f.oneRolePerPerson),
        roles: Object.fromEntries(
          required.map((r) => [r, { count: Number(f[`count.${r}`] ?? 1), consoleRoles: list(f[`roles.${r}`]), users: list(f[`users.${r}`]) }]),
        ) as z.input<typeof policyForm>['policy']['roles'],
      },
    };
  })
  .pipe(policyForm);

export const setPolicyAction = guardedAction(
  'checklists:policy',
  policyFormSchema,
  async (input, user): Promise<ActionResult> => {
    const result = await setApprovalPolicy(
      await getDb(),
      { templateId: input.templateId, requiredRoles: input.requiredRoles as SignoffRole[], policy: input.policy },
      user,
    );
    if (!result.ok) return { error: result.message };
    refreshChecklist(input.templateId);
    return { ok: true };
  },
  { audit: 'checklist.policy_set' },
);

const failSchema = z.object({ itemId: z.uuid(), note: z.string().trim().min(1, 'Say what failed').max(2_000) });

export const failItemAction = guardedAction(
  'checklists:release',
  failSchema,
  async (input, user): Promise<ActionResult> => {
    const result = await failItem(await getDb(), input, user);
    if (!result.ok) return { error: result.message };
    refreshChecklist(result.checklistId);
    return { ok: true };
  },
  { audit: 'checklist.item_fail', auditDetails: (i) => ({ itemId: i.itemId }) },
);
