import { apiRoute, json, requireId } from '@/lib/api/handler';
import { ControlQuery } from '@/lib/api/schemas';
import { AppError } from '@/lib/errors';
import { waitForControlDecision } from '@/lib/sessions/control';
import { recordSignOfLife } from '@/lib/interventions/liveness';

/** What the agent must do now; with ?wait=S (≤ 30) it long-polls while the answer is `wait`. */
export const GET = apiRoute<undefined, typeof ControlQuery, { id: string }>(
  { scopes: ['control'], query: ControlQuery },
  async ({ db, query, params, request, actor }) => {
    const sessionId = requireId(params.id, 'session');
    // Asking is a sign of life: an agent back from a `timeout` pause resumes it and hears `resume` right away.
    await recordSignOfLife(db, { sessionIds: [sessionId] }, actor);
    const r = await waitForControlDecision(db, {
      sessionId,
      waitSeconds: query.wait ?? 0,
      signal: request.signal,
    });
    if (!r.ok) throw new AppError('not_found', 'No session with this id');
    return json(200, { decision: r.decision });
  },
);
