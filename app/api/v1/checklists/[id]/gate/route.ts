import { GateQuery } from '@/lib/api/checklist-schemas';
import { apiRoute, json, requireId } from '@/lib/api/handler';
import { waitForGate } from '@/lib/checklists/gate';
import { notifyGateIfPending } from '@/lib/checklists/release';
import { AppError } from '@/lib/errors';

/** The release gate; with ?wait=S (≤ 30) it long-polls while pending. A pending gate notifies the roles it waits on. */
export const GET = apiRoute<undefined, typeof GateQuery, { id: string }>(
  { scopes: ['checklists'], query: GateQuery },
  async ({ db, query, params, request }) => {
    const checklistId = requireId(params.id, 'checklist');
    const r = await waitForGate(db, { checklistId, waitSeconds: query.wait ?? 0, signal: request.signal });
    if (!r.ok) throw new AppError('not_found', r.message);
    if (r.gate.state === 'pending') await notifyGateIfPending(db, checklistId);
    return json(200, r.gate);
  },
);
