'use server';
import { z } from 'zod';
import { guardedAction, requestMeta, type ActionResult } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import {
  operatorAbort,
  operatorAssign,
  operatorBulk,
  operatorNote,
  operatorRestore,
  operatorResume,
  type Operator,
} from '@/lib/interventions/operator';
import { listActiveInterventionIds, listInterventionActions, listRestorableCheckpoints, type InterventionActionRow } from '@/lib/interventions/queries';
import { abortSchema, assignSchema, bulkMatchSchema, bulkSchema, noteSchema, restoreSchema, resumeSchema } from '@/lib/interventions/schemas';

/** Interventions mutations: each a guard (permission from lib/auth/permissions.ts) around lib/interventions/operator.ts. */
const meta = requestMeta;

const op = (u: { id: string; email: string; role: string }): Operator => ({ id: u.id, email: u.email, role: u.role });

export const resumeAction = guardedAction('interventions:resume', resumeSchema, async (input, user) =>
  operatorResume(await getDb(), { operator: op(user), meta: await meta(), ...input }),
);

export const abortAction = guardedAction('interventions:abort', abortSchema, async (input, user) =>
  operatorAbort(await getDb(), { operator: op(user), meta: await meta(), ...input }),
);

export const restoreAction = guardedAction('interventions:restore', restoreSchema, async (input, user) =>
  operatorRestore(await getDb(), { operator: op(user), meta: await meta(), ...input }),
);

export const noteAction = guardedAction('interventions:note', noteSchema, async (input, user) =>
  operatorNote(await getDb(), { operator: op(user), meta: await meta(), ...input }),
);

export const assignAction = guardedAction('interventions:assign', assignSchema, async (input, user) =>
  operatorAssign(await getDb(), { operator: op(user), meta: await meta(), ...input }),
);

/** One chunk of a bulk resume or abort; the client sends chunks so it can show progress. */
const bulkResumeSchema = bulkSchema.refine((i) => i.action === 'resume', { path: ['action'], message: 'must be resume' });
const bulkAbortSchema = bulkSchema.refine((i) => i.action === 'abort', { path: ['action'], message: 'must be abort' });

export const bulkResumeAction = guardedAction('interventions:resume', bulkResumeSchema, async (i, user) => ({
  ok: true,
  data: await operatorBulk(await getDb(), { operator: op(user), meta: await meta(), ...i }),
}));

export const bulkAbortAction = guardedAction('interventions:abort', bulkAbortSchema, async (i, user) => ({
  ok: true,
  data: await operatorBulk(await getDb(), { operator: op(user), meta: await meta(), ...i }),
}));

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
