import type { Db } from '@/lib/db/client';
import { countActiveInterventions, listActiveInterventions, listActiveProjects, type Cursor } from '@/lib/interventions/queries';
import type { ActiveFilter } from '@/lib/interventions/schemas';

/**
 * What the Interventions page reads for one request, as one function, so that `npm run bench:queries` records and
 * times exactly the page's statements (lib/observability/instrument.ts recordStatements) and the page stays a renderer.
 */
export async function loadInterventionsPage(db: Db, input: { filter: ActiveFilter; cursor: Cursor | null; limit: number }) {
  const [page, total, projects] = await Promise.all([
    listActiveInterventions(db, { ...input.filter, cursor: input.cursor, limit: input.limit }),
    countActiveInterventions(db, input.filter),
    listActiveProjects(db),
  ]);
  return { page, total, projects };
}
