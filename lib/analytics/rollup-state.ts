import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';

/**
 * What the roll-up refresh keeps besides the roll-ups (drizzle/0009): the per-user run counts behind the Tools
 * page's user picker (`tool_users`) and the time the roll-ups were last caught up (`rollup_state.refreshed_at`).
 * Both are written only by the refresh and the rebuild (lib/analytics/rollups.ts), under their advisory lock; a
 * page reads them with one index-served statement each.
 */

/** The picker counts runs on the UTC days from today − 30 through today (31 days, as it always has). */
export const TOOL_USER_WINDOW_DAYS = 30;

const windowStart = sql`((now() AT TIME ZONE 'UTC')::date - ${TOOL_USER_WINDOW_DAYS}::int)`;

/**
 * Recomputes tool_users for the users whose (user, day) roll-ups just changed, or for everyone when the window
 * has moved on to a new day since the last run (once a day, in the background) or `all` is asked for.
 * `tx` must hold the roll-up lock.
 */
export async function refreshToolUsers(tx: Db, users: 'all' | string[]): Promise<'all' | number> {
  const [state] = await queryRows<{ stored: string | null; current: string }>(
    tx,
    sql`SELECT (SELECT tool_users_from::text FROM rollup_state WHERE id = 1) AS stored, ${windowStart}::text AS current`,
  );
  const everyone = users === 'all' || state?.stored !== state?.current;
  if (everyone) {
    await tx.execute(sql`DELETE FROM tool_users`);
    await tx.execute(sql`INSERT INTO tool_users (user_id, runs)
      SELECT user_id, sum(runs)::int FROM tool_user_days WHERE day >= ${windowStart} GROUP BY user_id`);
    await tx.execute(sql`INSERT INTO rollup_state (id, tool_users_from) VALUES (1, ${windowStart})
      ON CONFLICT (id) DO UPDATE SET tool_users_from = excluded.tool_users_from`);
    return 'all';
  }
  if (!users.length) return 0;
  const list = sql`${`{${users.map((u) => `"${u.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`}::text[]`;
  await tx.execute(sql`DELETE FROM tool_users WHERE user_id = ANY(${list})`);
  // tool_user_days_pkey (user_id, tool_name, day): one index range per user.
  await tx.execute(sql`INSERT INTO tool_users (user_id, runs)
    SELECT user_id, sum(runs)::int FROM tool_user_days WHERE user_id = ANY(${list}) AND day >= ${windowStart}
    GROUP BY user_id`);
  return users.length;
}

/** Marks the roll-ups as caught up with every row committed before `tx` began. */
export async function markRollupsRefreshed(tx: Db) {
  await tx.execute(sql`INSERT INTO rollup_state (id, refreshed_at) VALUES (1, now())
    ON CONFLICT (id) DO UPDATE SET refreshed_at = excluded.refreshed_at`);
}

/** When the figures on Overview and Tools were last caught up with the raw rows (null: never yet). */
export async function getRollupFreshness(db: Db): Promise<{ asOf: Date | null }> {
  const [row] = await queryRows<{ refreshed_at: Date | string | null }>(
    db,
    sql`SELECT refreshed_at FROM rollup_state WHERE id = 1`,
    { prepare: true },
  );
  return { asOf: row?.refreshed_at ? new Date(row.refreshed_at) : null };
}
