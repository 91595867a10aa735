'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { guardedAction, type ActionResult } from '@/lib/auth/guards';
import type { StateDiff } from '@/lib/checkpoints/diff';
import { diffAgainstEdit, diffCheckpoints, type CheckpointDiffResult } from '@/lib/checkpoints/diff-queries';
import { editedStateJson } from '@/lib/checkpoints/fork';
import { getDb } from '@/lib/db/client';
import { restoreSession } from '@/lib/checkpoints/restore-from-pause';

/** Diff and "restore with an edited state" for the checkpoint pages. Each action checks its own permission. */
const limit = z.coerce.number().int().min(1).max(5_000).default(50);

export const diffCheckpointsAction = guardedAction(
  'console:read',
  z.object({ sessionId: z.uuid(), fromId: z.uuid(), toId: z.union([z.uuid(), z.literal('latest')]), limit }),
  async (input): Promise<ActionResult<Extract<CheckpointDiffResult, { ok: true }>>> => {
    const r = await diffCheckpoints(await getDb(), input);
    return r.ok ? { ok: true, data: r } : { error: r.message };
  },
);

const editSchema = z.object({ sessionId: z.uuid(), checkpointId: z.uuid(), state: editedStateJson, note: z.string().trim().max(2_000).optional(), limit });

/** The editor's "Preview": the edited state against its original, computed on the server. */
export const previewEditAction = guardedAction('interventions:restore', editSchema, async (input): Promise<ActionResult<StateDiff>> => {
  const diff = await diffAgainstEdit(await getDb(), { ...input, limit: input.limit });
  return diff ? { ok: true, data: diff } : { error: 'That checkpoint is not part of this session (it may have been pruned).' };
});

/** Confirm: the edited state becomes a new manual checkpoint forked from the original, then restored (or requested). */
export const restoreEditedAction = guardedAction(
  'interventions:restore',
  editSchema,
  async (input, user): Promise<ActionResult<{ pending: boolean; sequence: number; checkpointId: string }>> => {
    const r = await restoreSession(
      await getDb(),
      { sessionId: input.sessionId, checkpointId: input.checkpointId, editedState: input.state, note: input.note ?? null },
      user,
    );
    if (!r.ok) return { error: r.message };
    revalidatePath(`/sessions/${input.sessionId}`);
    return { ok: true, data: { pending: r.pending, sequence: r.sequence, checkpointId: r.checkpointId } };
  },
  { audit: 'checkpoint.restore' },
);
