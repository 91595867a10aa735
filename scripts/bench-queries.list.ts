import { sql } from 'drizzle-orm';
import { listRecoveries } from '@/lib/checkpoints/queries';
import { queryRows, type Db } from '@/lib/db/client';
import { listActiveInterventions, listInterventionHistory } from '@/lib/interventions/queries';
import { loadSessionPage } from '@/lib/pages/sessions';
import { listSessions } from '@/lib/sessions/queries';

/** The queries each console page runs, with the p95 bar from the issues. */
export type BenchQuery = {
  name: string;
  page: string;
  barMs: number;
  /** Looks up fixtures before timing, so their queries are not counted. */
  prepare?: (db: Db) => Promise<unknown>;
  run: (db: Db) => Promise<unknown>;
};

let benchSessionId: string | undefined;
async function detailSession(db: Db) {
  if (!benchSessionId) {
    const [row] = await queryRows<{ id: string }>(db, sql`SELECT id FROM agent_sessions WHERE metadata->>'benchmark' = 'detail-1000-200' LIMIT 1`);
    benchSessionId = row?.id ?? '00000000-0000-4000-8000-000000000000';
  }
  return benchSessionId;
}

export const benchQueries: BenchQuery[] = [
  { name: 'active interventions (first page)', page: 'Interventions', barMs: 150, run: (db) => listActiveInterventions(db, { limit: 50 }) },
  { name: 'intervention history (first page)', page: 'Interventions', barMs: 150, run: (db) => listInterventionHistory(db, { limit: 50 }) },
  { name: 'sessions list (first page)', page: 'Sessions', barMs: 150, run: (db) => listSessions(db, { limit: 50 }) },
  { name: 'sessions list, status=paused', page: 'Sessions', barMs: 150, run: (db) => listSessions(db, { status: 'paused', limit: 50 }) },
  {
    name: 'session detail (1,000 events, 200 checkpoints)',
    page: 'Session detail',
    barMs: 150,
    prepare: detailSession,
    // What the page runs: summary, latest metrics and the first page of the merged timeline.
    run: async (db) => loadSessionPage(db, { id: await detailSession(db) }),
  },
  { name: 'recovery history (first page)', page: 'Recoveries', barMs: 100, run: (db) => listRecoveries(db, { limit: 50 }) },
];
