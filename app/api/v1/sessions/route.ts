import { apiRoute, json } from '@/lib/api/handler';
import { CreateSessionBody } from '@/lib/api/schemas';
import { createSession, sessionInputFromBody } from '@/lib/sessions/commands';

/** Registers an agent run; the same externalId in the same project returns the existing session (200). */
export const POST = apiRoute({ scopes: ['ingest'], body: CreateSessionBody }, async ({ db, body }) => {
  const r = await createSession(db, sessionInputFromBody(body));
  return json(r.created ? 201 : 200, { session: r.session });
});
