import { apiRoute, json } from '@/lib/api/handler';
import { PreferredToolsQuery } from '@/lib/api/schemas';
import { rankTools } from '@/lib/tools/preference';

/** The given tools ranked for one end user (best first). */
export const GET = apiRoute({ scopes: ['read', 'ingest'], query: PreferredToolsQuery }, async ({ db, query }) => {
  const tools = await rankTools({ db, userId: query.userId, tools: query.tools, strategy: query.strategy });
  return json(200, { userId: query.userId, tools });
});
