'use server';
import { z } from 'zod';
import { guardedAction, type ActionResult } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { abortSession, addInterventionNote, assignIntervention, bulkResolveInterventions, resumeSession } from '@/lib/interventions/commands';
import { listActiveInterventionIds, listInterventionActions, listRestorableCheckpoints, type InterventionActionRow } from '@/lib/interventions/queries';
import { bulkRestore, dryRunBulkRestore } from '@/lib/checkpoints/bulk-restore';
import { decideRestoreRequest } from '@/lib/checkpoints/four-eyes';
import { restoreFromPause } from '@/lib/checkpoints/restore-from-pause';
import { abortSchema, assignSchema, bulkMatchSchema, bulkSchema, noteSchema, restoreSchema, resumeSchema } from '@/lib/interventions/schemas';

/**
 * Interventions mutations: button → this action → guard (permission from lib/auth/permissions.ts, the only check)
 * → command (lib/interventions/commands.ts, which writes the change, its event and its audit row in one
 * transaction) → the result turned into what the person reads.
 */
const done = (r: { ok: true } | { ok: false; message: string }): ActionResult => (r.ok ? { ok: true } : { error: r.message });

export const resumeAction = guardedAction(
  'interventions:resume',
  resumeSchema,
  async (input, user) => done(await resumeSession(await getDb(), input, user)),
  { audit: 'intervention.resume' },
);

export const abortAction = guardedAction(
  'interventions:abort',
  abortSchema,
  async (input, user) => done(await abortSession(await getDb(), input, user)),
  { audit: 'intervention.abort' },
);

export const restoreAction = guardedAction(
  'interventions:restore',
  restoreSchema,
  async (input, user): Promise<ActionResult<{ recoveryId: string | null; sequence: number; pending: boolean }>> => {
    const r = await restoreFromPause(await getDb(), input, user);
    if (!r.ok) return { error: r.message };
    return { ok: true, data: { recoveryId: r.pending ? null : r.recoveryId, sequence: r.sequence, pending: r.pending } };
  },
  { audit: 'intervention.restore' },
);

export const noteAction = guardedAction(
  'interventions:note',
  noteSchema,
  async (input, user) => done(await addInterventionNote(await getDb(), input, user)),
  { audit: 'intervention.note' },
);

export const assignAction = guardedAction(
  'interventions:assign',
  assignSchema,
  async (input, user) => done(await assignIntervention(await getDb(), input, user)),
  { audit: 'intervention.assign' },
);

/** One chunk of a bulk resume or abort; the client sends chunks so it can show progress. */
const bulkResumeSchema = bulkSchema.refine((i) => i.action === 'resume', { path: ['action'], message: 'must be resume' });
const bulkAbortSchema = bulkSchema.refine((i) => i.action === 'abort', { path: ['action'], message: 'must be abort' });

export const bulkResumeAction = guardedAction(
  'interventions:resume',
  bulkResumeSchema,
  async (i, user) => ({ ok: true, data: await bulkResolveInterventions(await getDb(), i, user) }),
  { audit: 'intervention.resume' },
);

export const bulkAbortAction = guardedAction(
  'interventions:abort',
  bulkAbortSchema,
  async (i, user) => ({ ok: true, data: await bulkResolveInterventions(await getDb(), i, user) }),
  { audit: 'intervention.abort' },
);

/** "All matching the filter": the ids to act on, resolved on the server at confirmation time. */
export const matchingIdsAction = guardedAction('console:read', bulkMatchSchema, async (filter) => ({
  ok: true,
  data: await listActiveInterventionIds(await getDb(), { ...filter, max: 1000 }),
}));

export const checkpointsAction = guardedAction('console:read', z.object({ pausedSessionId: z.string().uuid() }), async (input) => ({
  ok: true,
  data: (await listRestorableCheckpoints(await getDb(), input)).map((c) => ({
    id: c.id,
    sequence: c.sequence,
    checkpointType: c.checkpoint_type,
    currentTaskId: c.current_task_id,
    createdAt: new Date(c.created_at).toISOString(),
  })),
}));

export const trailAction = guardedAction(
  'console:read',
  z.object({ pausedSessionId: z.string().uuid() }),
  async (input): Promise<ActionResult<InterventionActionRow[]>> => ({ ok: true, data: await listInterventionActions(await getDb(), input) }),
);

/** Bulk restore, step one: which selected pauses have a valid checkpoint, and why the others do not. Changes nothing. */
const bulkRestoreSchema = z.object({ ids: z.array(z.string().uuid('Unknown intervention')).min(1).max(100), note: z.string().trim().max(4000).optional() });

export const bulkRestoreDryRunAction = guardedAction('interventions:restore', bulkRestoreSchema, async (i) => ({
  ok: true,
  data: await dryRunBulkRestore(await getDb(), i),
}));

/** Bulk restore, step two: one chunk, each pause from its last valid checkpoint, each with its own outcome. */
export const bulkRestoreAction = guardedAction(
  'interventions:restore',
  bulkRestoreSchema,
  async (i, user) => ({ ok: true, data: await bulkRestore(await getDb(), { ids: i.ids, note: i.note || null }, user) }),
  { audit: 'intervention.restore' },
);

/** Four-eyes: a second engineer approves or rejects a pending restore request. */
export const decideRestoreAction = guardedAction(
  'interventions:restore',
  z.object({ requestId: z.string().uuid('Unknown request'), decision: z.enum(['approve', 'reject']), note: z.string().trim().max(4000).optional() }),
  async (input, user) => done(await decideRestoreRequest(await getDb(), { ...input, note: input.note || null }, user)),
  { audit: 'intervention.restore_approve' },
);
