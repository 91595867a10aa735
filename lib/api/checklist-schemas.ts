import { z } from 'zod';
import { checklistStatuses, signoffRoles } from '@/lib/db/schema/enums';

/** The release-gate part of the API v1 contract (pure zod, shared by the routes, the OpenAPI document and the client). */
const releaseText = (max: number) => z.string().trim().min(1).max(max);

export const CreateReleaseChecklistBody = z.strictObject({
  template: releaseText(300).describe("The template's id, or its exact title"),
  version: releaseText(100),
  environment: releaseText(100),
  commitSha: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{7,64}$/i, 'A hexadecimal commit SHA of 7 to 64 characters')
    .optional(),
  link: z.url({ protocol: /^https?$/, message: 'An http(s) URL' }).max(2000).optional(),
  title: releaseText(300).optional().describe('Defaults to the template title and the version'),
});

export const ReleaseChecklistResponse = z.object({
  created: z.boolean(),
  checklist: z.object({
    id: z.guid(),
    title: z.string(),
    templateId: z.guid().nullable(),
    version: z.string().nullable(),
    environment: z.string().nullable(),
    commitSha: z.string().nullable(),
    link: z.string().nullable(),
    status: z.enum(checklistStatuses),
    url: z.string(),
  }),
});

export const GateQuery = z.strictObject({ wait: z.coerce.number().min(0).max(30).optional() });

const role = z.enum(signoffRoles);
export const GateResponse = z.object({
  checklistId: z.guid(),
  title: z.string(),
  version: z.string().nullable(),
  environment: z.string().nullable(),
  commitSha: z.string().nullable(),
  status: z.enum(checklistStatuses),
  deployedAt: z.string().nullable(),
  state: z.enum(['pass', 'pending', 'fail']),
  missing: z.array(
    z.object({
      kind: z.enum(['signoff', 'items', 'failed_item', 'voided_after_deploy']),
      message: z.string(),
      role: role.optional(),
      needed: z.number().optional(),
      have: z.number().optional(),
      count: z.number().optional(),
      itemId: z.guid().optional(),
    }),
  ),
  signoffs: z.array(
    z.object({
      role,
      signedBy: z.string(),
      signedByName: z.string().nullable(),
      signedAt: z.string(),
      voidedAt: z.string().nullable(),
      voidReason: z.string().nullable(),
    }),
  ),
});

export const DeployedResponse = z.object({ checklistId: z.guid(), deployedAt: z.string(), alreadyDeployed: z.boolean() });
