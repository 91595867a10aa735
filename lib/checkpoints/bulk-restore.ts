import { inArray, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { queryRows, type Db } from '@/lib/db/client';
import { pausedSessions } from '@/lib/db/schema';
import { log } from '@/lib/log';
import type { BulkItemResult } from '@/lib/interventions/commands';
import { restoreFromPause } from './restore-from-pause';

export type DryRunItem = { id: string; ok: true; sequence: number; checkpointId: string; awaitsApproval: boolean } | { id: string; ok: false; message: string };

type Row = {
  id: string;
  resolved: boolean;
  resolution: string | null;
  resolved_by: string | null;
  status: string;
  checkpoint_id: string | null;
  sequence: number | null;
  checkpoints: number;
  recovering: boolean;
  four_eyes: boolean | null;
};

/**
 * Bulk restore, step one: for each selected pause, whether it can be restored from its last valid checkpoint and,
 * if not, why — in one read, changing nothing.
 */
export async function dryRunBulkRestore(db: Db, input: { ids: string[] }): Promise<DryRunItem[]> {
  const ids = [...new Set(input.ids)];
  const known = await db.select({ id: pausedSessions.id }).from(pausedSessions).where(inArray(pausedSessions.id, ids));
  if (!known.length) return ids.map((id) => ({ id, ok: false, message: 'This pause no longer exists.' }));
  const rows = await queryRows<Row>(
    db,
    sql`SELECT ps.id, ps.resolved, ps.resolution, ps.resolved_by, s.status,
               lc.id AS checkpoint_id, lc.sequence,
               (SELECT count(*)::int FROM session_checkpoints c WHERE c.session_id = ps.session_id) AS checkpoints,
               EXISTS (SELECT 1 FROM checkpoint_recoveries r WHERE r.session_id = ps.session_id AND r.recovery_status = 'in_progress') AS recovering,
               rp.four_eyes
          FROM paused_sessions ps
          JOIN agent_sessions s ON s.id = ps.session_id
          LEFT JOIN LATERAL (SELECT c.id, c.sequence FROM session_checkpoints c WHERE c.session_id = ps.session_id AND c.is_valid
                              ORDER BY c.sequence DESC LIMIT 1) lc ON true
          LEFT JOIN project_restore_policy rp ON rp.project = s.project
         WHERE ps.id IN (${sql.join(known.map((k) => sql`${k.id}::uuid`), sql`, `)})`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id): DryRunItem => {
    const r = byId.get(id);
    if (!r) return { id, ok: false, message: 'This pause no longer exists.' };
    if (r.resolved) return { id, ok: false, message: `This pause was already ${r.resolution} by ${r.resolved_by ?? 'someone'}.` };
    if (r.status === 'completed' || r.status === 'aborted') return { id, ok: false, message: `The session has already ${r.status}.` };
    if (r.recovering) return { id, ok: false, message: 'A recovery is already in progress.' };
    if (!r.checkpoint_id || r.sequence === null) {
      return { id, ok: false, message: r.checkpoints ? `No valid checkpoint: all ${r.checkpoints} were invalidated.` : 'No valid checkpoint: the agent never saved one.' };
    }
    return { id, ok: true, sequence: r.sequence, checkpointId: r.checkpoint_id, awaitsApproval: Boolean(r.four_eyes) };
  });
}

/**
 * Bulk restore, step two: each pause restored from its last valid checkpoint, each in its own transaction through
 * the one restore path (so four-eyes projects get requests), `concurrency` at a time, each with its own outcome.
 */
export async function bulkRestore(db: Db, input: { ids: string[]; note?: string | null; concurrency?: number }, actor: Actor): Promise<(BulkItemResult & { pending?: boolean })[]> {
  const ids = [...new Set(input.ids)];
  const size = Math.max(1, input.concurrency ?? 5);
  const out: (BulkItemResult & { pending?: boolean })[] = [];
  for (let i = 0; i < ids.length; i += size) {
    const results = await Promise.all(
      ids.slice(i, i + size).map(async (id) => {
        try {
          const r = await restoreFromPause(db, { pausedSessionId: id, note: input.note, bulk: true }, actor);
          return r.ok ? { id, ok: true as const, pending: r.pending } : { id, ok: false as const, message: r.message };
        } catch (err) {
          log().error({ err, pausedSessionId: id }, 'bulk restore item failed');
          return { id, ok: false as const, message: 'Something went wrong on our side; this one was not changed.' };
        }
      }),
    );
    out.push(...results);
  }
  return out;
}
