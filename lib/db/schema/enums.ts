// Enum-like values, shared by the zod input schemas and the CHECK constraints so the two never drift.
export const sessionStatuses = ['running', 'paused', 'recovering', 'completed', 'failed', 'aborted'] as const;
export const pauseTypes = ['retry_limit', 'blocker', 'error', 'timeout', 'manual', 'budget'] as const;
export const resolutions = ['resumed', 'aborted', 'restored'] as const;
export const interventionActionTypes = [
  'paused',
  'resumed',
  'aborted',
  'restored',
  'note',
  'notified',
  'escalated',
  'assigned',
] as const;
export const actorTypes = ['user', 'agent', 'system'] as const;
export const checkpointTypes = ['task_completion', 'periodic', 'pre_intervention', 'manual', 'error'] as const;
export const recoveryMethods = ['manual', 'automatic'] as const;
export const recoveryStatuses = ['in_progress', 'succeeded', 'failed', 'abandoned'] as const;
export const notificationChannels = ['in_app', 'webhook', 'slack'] as const;
export const checklistPhases = [
  'pre_deployment',
  'deployment',
  'post_deployment',
  'rollback_criteria',
  'success_criteria',
  'custom',
] as const;
export const checklistStatuses = ['draft', 'in_progress', 'signed_off', 'live', 'archived'] as const;
export const signoffRoles = ['development', 'qa', 'devops', 'production'] as const;
export const roles = ['admin', 'engineer', 'qa', 'manager', 'viewer'] as const;
export const auditOutcomes = ['success', 'denied', 'failure'] as const;

export type SessionStatus = (typeof sessionStatuses)[number];
export type PauseType = (typeof pauseTypes)[number];
export type Resolution = (typeof resolutions)[number];
export type CheckpointType = (typeof checkpointTypes)[number];
export type RecoveryStatus = (typeof recoveryStatuses)[number];
export type Role = (typeof roles)[number];
export type SignoffRole = (typeof signoffRoles)[number];
export type ChecklistPhase = (typeof checklistPhases)[number];

/** `col IN ('a','b')` for a CHECK constraint. Values are our own constants, never user input. */
export function inList(values: readonly string[]) {
  return values.map((v) => `'${v}'`).join(', ');
}
