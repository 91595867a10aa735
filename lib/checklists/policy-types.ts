import { z } from 'zod';
import { roles, signoffRoles } from '@/lib/db/schema/enums';

/**
 * A checklist's approval policy (stored as JSON on the template and copied onto each checklist made from it):
 * per sign-off role how many distinct people must sign and who may, plus the two self-review rules.
 * Required roles themselves stay in `deployment_checklists.required_roles`.
 */
export const rolePolicySchema = z.object({
  /** Distinct people who must sign this role. */
  count: z.number().int().min(1).max(10).default(1),
  /** Console roles whose members may sign; absent = the permission table's signers of this role. */
  consoleRoles: z.array(z.enum(roles)).max(roles.length).optional(),
  /** People (by email) who may sign this role, whatever their console role. */
  users: z.array(z.email().max(320).toLowerCase()).max(50).default([]),
});

export const approvalPolicySchema = z.object({
  roles: z.partialRecord(z.enum(signoffRoles), rolePolicySchema).default({}),
  /** A person who ticked items of a section cannot be the only sign-off covering it. */
  noSelfReview: z.boolean().default(false),
  /** One person cannot sign two roles of the same checklist. */
  oneRolePerPerson: z.boolean().default(false),
});

export type RolePolicy = z.output<typeof rolePolicySchema>;
export type ApprovalPolicy = z.output<typeof approvalPolicySchema>;
export type ApprovalPolicyInput = z.input<typeof approvalPolicySchema>;
