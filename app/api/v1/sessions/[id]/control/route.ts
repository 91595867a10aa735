import { apiRoute, json, requireId } from '@/lib/api/handler';
import { ControlQuery } from '@/lib/api/schemas';
import { AppError } from '@/lib/errors';
import { getControlDecision, touchAndGetControlDecision, waitForControlDecision } from '@/lib/sessions/control';
import { resumeReturnedAgent } from '@/lib/interventions/liveness';

/** What the agent must do now; with ?wait=S (≤ 30) it long-polls while the answer is `wait`. */
export const GET = apiRoute<undefined, typeof ControlQuery, { id: string }>(
  { scopes: ['control'], query: ControlQuery },
  async ({ db, query, params, request, actor }) => {
    const sessionId = requireId(params.id, 'session');
    // Asking is a sign of life, and in the common case the whole answer is one statement. An agent back from a
    // watchdog `timeout` pause resolves it ("agent came back", lib/interventions/liveness.ts) and hears `resume`.
    const touched = await touchAndGetControlDecision(db, { sessionId });
    let first = touched.result;
    if (touched.timedOut) {
      await resumeReturnedAgent(db, { sessionId }, actor);
      first = await getControlDecision(db, { sessionId });
    }
    const r =
      first.ok && first.decision.action === 'wait' && query.wait
        ? await waitForControlDecision(db, { sessionId, waitSeconds: query.wait, signal: request.signal, first })
        : first;
    if (!r.ok) throw new AppError('not_found', 'No session with this id');
    return json(200, { decision: r.decision });
  },
);
