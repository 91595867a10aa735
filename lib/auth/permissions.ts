import type { Role, SignoffRole } from '@/lib/db/schema/enums';

/**
 * The one role → permission table. Every server action, route handler and page asks `can(role, permission)`
 * through the guards in ./guards.ts; hiding a button is never the check.
 */
export const permissionTable = {
  // reading the console
  'console:read': ['admin', 'engineer', 'qa', 'manager', 'viewer'],
  // interventions and recoveries
  'interventions:resume': ['admin', 'engineer'],
  'interventions:abort': ['admin', 'engineer'],
  'interventions:restore': ['admin', 'engineer'],
  'interventions:note': ['admin', 'engineer', 'qa', 'manager'],
  'interventions:assign': ['admin', 'engineer'],
  'checkpoints:invalidate': ['admin', 'engineer'],
  // checklists
  'checklists:create': ['admin', 'engineer', 'qa', 'manager'],
  'checklists:tick': ['admin', 'engineer', 'qa'],
  'checklists:sign:development': ['admin', 'engineer'],
  'checklists:sign:devops': ['admin', 'engineer'],
  'checklists:sign:qa': ['admin', 'qa'],
  'checklists:sign:production': ['admin', 'manager'],
  // the door for people a template's approval policy names as signers; the policy itself decides (lib/checklists/policy.ts)
  'checklists:sign:named': ['admin', 'engineer', 'qa', 'manager'],
  // a template's approval policy (the QA lead's and the admin's)
  'checklists:policy': ['admin', 'qa'],
  // mark an item failed (the gate fails) and a release deployed
  'checklists:release': ['admin', 'engineer', 'qa'],
  // operations
  'metrics:read': ['admin', 'engineer', 'manager'],
  'database:read': ['admin', 'engineer', 'manager'],
  // own settings
  'notifications:manage-own': ['admin', 'engineer', 'qa', 'manager', 'viewer'],
  // a webhook rule makes the server call a URL of the user's choosing (and signs it): not for everyone
  'notifications:webhook': ['admin', 'engineer'],
  // administration
  'users:manage': ['admin'],
  'tokens:manage': ['admin'],
  'audit:read': ['admin'],
  // Settings → Integrations: the fleet-wide Slack channel
  'integrations:manage': ['admin'],
  // escalation policies and who is on call: they make the system resume, abort or restore people's pauses
  'escalation:manage': ['admin'],
  // per-project heartbeat timeout and budgets (Settings → Projects)
  'projects:manage': ['admin'],
  // four-eyes restores per project (Settings → Restores)
  'projects:policy': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissionTable;

export function can(role: Role | string | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return (permissionTable[permission] as readonly string[]).includes(role);
}

export function signPermission(role: SignoffRole): Permission {
  return `checklists:sign:${role}` as Permission;
}

/** API token scopes (agents and scrapers). */
export const tokenScopes = ['ingest', 'control', 'metrics', 'read', 'checklists'] as const;
export type TokenScope = (typeof tokenScopes)[number];
