import { z } from 'zod';
import { pauseTypes, roles } from '@/lib/db/schema/enums';
import type { EscalationStep } from '@/lib/db/schema/escalation';

/**
 * The policy form (Settings → Escalation) as the server action parses it. Delays are whole minutes in the form and
 * seconds in the database. Every message names what to fix; the form shows it next to the field and in a summary.
 */
export const MAX_DELAY_MINUTES = 30 * 24 * 60;
export const defaultActions = ['none', 'resume', 'abort', 'restore'] as const;

const minutes = z.coerce
  .number({ error: 'must be a whole number of minutes' })
  .int({ error: 'must be a whole number of minutes' })
  .min(0, { error: 'must be 0 or more minutes' })
  .max(MAX_DELAY_MINUTES, { error: `must be at most ${MAX_DELAY_MINUTES} minutes (30 days)` });

const optionalRole = z
  .union([z.enum(roles, { error: `must be one of ${roles.join(', ')}` }), z.literal(''), z.null()])
  .optional()
  .transform((v) => v || null);

const emailList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v : (v ?? '').split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.email({ error: 'must be email addresses separated by commas' })).max(20, { error: 'at most 20 people' }));

const optionalEmail = z
  .string()
  .trim()
  .toLowerCase()
  .optional()
  .transform((v) => v || null)
  .pipe(z.email({ error: 'must be an email address' }).nullable());

const stepSchema = z.object({
  kind: z.enum(['notify', 'reassign'], { error: 'must be notify or reassign' }),
  afterMinutes: minutes,
  users: emailList,
  role: optionalRole,
  channelId: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(z.uuid({ error: 'is not a known channel' }).nullable()),
  toUser: optionalEmail,
  onCallRole: optionalRole,
});

const textList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => [...new Set((Array.isArray(v) ? v : (v ?? '').split(',')).map((s) => s.trim()).filter(Boolean))]);

export const policySchema = z
  .object({
    id: z
      .string()
      .optional()
      .transform((v) => v || null)
      .pipe(z.uuid().nullable()),
    name: z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }).max(100, { error: 'must be at most 100 characters' }),
    enabled: z.union([z.boolean(), z.enum(['on', 'true', 'false'])]).optional().transform((v) => v === true || v === 'on' || v === 'true'),
    projects: textList.pipe(z.array(z.string().max(200, { error: 'each project name must be at most 200 characters' })).max(50)),
    pauseTypes: z
      .union([z.enum(pauseTypes), z.array(z.enum(pauseTypes, { error: `must be among ${pauseTypes.join(', ')}` }))])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? [...new Set(v)] : [v])),
    steps: z.array(stepSchema).max(10, { error: 'at most 10 steps' }).default([]),
    defaultAction: z.enum(defaultActions, { error: `must be one of ${defaultActions.join(', ')}` }).default('none'),
    defaultAfterMinutes: z.union([z.literal(''), z.null(), minutes]).optional().transform((v) => (v === '' || v == null ? null : v)),
  })
  .superRefine((p, ctx) => {
    let previous = 0;
    p.steps.forEach((s, i) => {
      const at = (field: string) => ['steps', i, field];
      if (s.afterMinutes < previous) {
        ctx.addIssue({ code: 'custom', path: at('afterMinutes'), message: `must not be earlier than step ${i} (${previous} min)` });
      }
      previous = Math.max(previous, s.afterMinutes);
      if (s.kind === 'notify' && !s.users.length && !s.role && !s.channelId) {
        ctx.addIssue({ code: 'custom', path: at('users'), message: 'choose who to notify: people, a role or a channel' });
      }
      if (s.kind === 'reassign' && Boolean(s.toUser) === Boolean(s.onCallRole)) {
        ctx.addIssue({ code: 'custom', path: at('toUser'), message: 'choose either a person or the on-call person of a role' });
      }
    });
    if (p.defaultAction !== 'none') {
      if (p.defaultAfterMinutes === null) {
        ctx.addIssue({ code: 'custom', path: ['defaultAfterMinutes'], message: 'is required with a default action' });
      } else if (p.defaultAfterMinutes < previous) {
        ctx.addIssue({ code: 'custom', path: ['defaultAfterMinutes'], message: `must not be earlier than the last step (${previous} min)` });
      }
    }
    if (!p.steps.length && p.defaultAction === 'none') {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'add a step or a default action' });
    }
  });
export type PolicyInput = z.infer<typeof policySchema>;

/** The form's value as stored: ordered steps in seconds, the default action last. */
export function toSteps(p: PolicyInput): EscalationStep[] {
  const steps: EscalationStep[] = p.steps.map((s) =>
    s.kind === 'notify'
      ? { kind: 'notify', afterSeconds: s.afterMinutes * 60, users: s.users, role: s.role, channelId: s.channelId }
      : { kind: 'reassign', afterSeconds: s.afterMinutes * 60, toUser: s.toUser, onCallRole: s.onCallRole },
  );
  if (p.defaultAction !== 'none') steps.push({ kind: p.defaultAction, afterSeconds: (p.defaultAfterMinutes ?? 0) * 60 });
  return steps;
}

/** A field's path as a person reads it, for the summary above the form ("Step 2 · after (minutes)"). */
export function fieldLabel(path: string): string {
  const names: Record<string, string> = {
    afterMinutes: 'after (minutes)',
    users: 'people',
    role: 'role',
    channelId: 'channel',
    toUser: 'reassign to',
    onCallRole: 'on-call role',
    kind: 'action',
  };
  const m = /^steps\.(\d+)\.(\w+)$/.exec(path);
  if (m) return `Step ${Number(m[1]) + 1} · ${names[m[2]] ?? m[2]}`;
  const top: Record<string, string> = {
    name: 'Name',
    projects: 'Projects',
    pauseTypes: 'Pause types',
    steps: 'Steps',
    defaultAction: 'Default action',
    defaultAfterMinutes: 'Default action · after (minutes)',
  };
  return top[path.split('.')[0]] ?? path;
}

export const deletePolicySchema = z.object({ id: z.uuid({ error: 'Unknown policy' }) });
export const onCallSchema = z.object({
  role: z.enum(roles, { error: `must be one of ${roles.join(', ')}` }),
  userId: z.string().min(1, { error: 'Unknown user' }),
  onCall: z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true'),
});
