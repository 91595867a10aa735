import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';

/**
 * PLACEHOLDER (agent API helper): the tools helper replaces this file with the real ranking. It keeps only the
 * signature the API route calls: the posterior mean of a Beta(1, 1) prior updated with the user's successes
 * and failures per tool; ties by name so the order is stable.
 */
export type RankStrategy = 'mean' | 'thompson';
export type RankedTool = { tool: string; score: number; executions: number; successes: number };

export async function rankTools(input: { db: Db; userId: string; tools: string[]; strategy?: RankStrategy }): Promise<RankedTool[]> {
  if (!input.tools.length) return [];
  const rows = await queryRows<{ tool_name: string; n: number; s: number }>(
    input.db,
    sql`SELECT tool_name, count(*)::int AS n, count(*) FILTER (WHERE success)::int AS s
        FROM user_tool_history
        WHERE user_id = ${input.userId} AND tool_name IN (${sql.join(input.tools.map((t) => sql`${t}`), sql`, `)})
        GROUP BY tool_name`,
  );
  const byTool = new Map(rows.map((r) => [r.tool_name, r]));
  return input.tools
    .map((tool) => {
      const r = byTool.get(tool);
      const n = r?.n ?? 0;
      const s = r?.s ?? 0;
      return { tool, score: (s + 1) / (n + 2), executions: n, successes: s };
    })
    .sort((a, b) => b.score - a.score || a.tool.localeCompare(b.tool));
}
