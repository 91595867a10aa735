import { apiRoute, json, requireId } from '@/lib/api/handler';
import { markDeployed } from '@/lib/checklists/release';
import { AppError } from '@/lib/errors';
import { signalChecklist } from '@/lib/events/bus';

/** The pipeline deployed the release (refused with 409 while its gate has not passed). */
export const POST = apiRoute<undefined, undefined, { id: string }>({ scopes: ['checklists'] }, async ({ db, params, actor }) => {
  const r = await markDeployed(db, { checklistId: requireId(params.id, 'checklist') }, actor);
  if (!r.ok) throw new AppError(r.reason === 'gate_not_passed' ? 'conflict' : 'not_found', r.message);
  signalChecklist(r.checklistId);
  return json(200, { checklistId: r.checklistId, deployedAt: r.deployedAt.toISOString(), alreadyDeployed: r.alreadyDeployed });
});
