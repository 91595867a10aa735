import { eq } from 'drizzle-orm';
import { CreateReleaseChecklistBody } from '@/lib/api/checklist-schemas';
import { apiRoute, json } from '@/lib/api/handler';
import { createReleaseChecklist } from '@/lib/checklists/release';
import { deploymentChecklists } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { signalChecklist } from '@/lib/events/bus';

/** A release's checklist from a template: 201, or 200 with the existing one for the same template, version and environment. */
export const POST = apiRoute({ scopes: ['checklists'], body: CreateReleaseChecklistBody }, async ({ db, body, actor }) => {
  const r = await createReleaseChecklist(db, body, actor);
  if (!r.ok) {
    throw new AppError('unprocessable', r.message, { fields: [{ path: 'template', message: r.message }] });
  }
  const [c] = await db.select().from(deploymentChecklists).where(eq(deploymentChecklists.id, r.checklistId));
  signalChecklist(c.id);
  const base = (env().APP_URL ?? '').replace(/\/$/, '');
  return json(r.created ? 201 : 200, {
    created: r.created,
    checklist: {
      id: c.id,
      title: c.title,
      templateId: c.templateId,
      version: c.version,
      environment: c.environment,
      commitSha: c.commitSha,
      link: c.link,
      status: c.status,
      url: `${base}/checklists/${c.id}`,
    },
  });
});
