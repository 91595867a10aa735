/**
 * The `large` benchmark database, shared by npm run bench:queries and bench:pages: BENCH_LARGE_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/flightdeck_bench_large. A missing database is created and seeded with
 * `--scale large` first (about 5 minutes here); it is kept for later runs.
 */
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { catchUpRollups, rebuildRollups } from '@/lib/analytics/rollups';
import { createDb, queryRows } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { seed } from '@/lib/seed';

export const largeDbUrl = process.env.BENCH_LARGE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/flightdeck_bench_large';
export const ROLLUP_TABLES = ['tool_execution_hours', 'tool_user_days', 'intervention_hours', 'recovery_hours', 'retry_hours', 'session_hours', 'tool_execution_days', 'intervention_days', 'recovery_days', 'retry_days', 'session_days', 'tool_users', 'rollup_state'];

export async function ensureLargeDatabase(url = largeDbUrl) {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  const admin = postgres({ host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username || 'postgres'), password: decodeURIComponent(u.password), database: 'postgres', max: 1, onnotice: () => {} });
  const exists = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
  if (!exists.length) {
    console.log(`Creating ${name} and seeding the large data set (several minutes)…`);
    await admin.unsafe(`CREATE DATABASE ${name}`);
  }
  await admin.end();
  const handle = await createDb({ url, poolMax: 4 });
  try {
    await migrate(handle.db);
    const [{ n }] = await queryRows<{ n: number }>(handle.db, sql`SELECT count(*)::int AS n FROM agent_sessions`);
    if (n < 100_000) {
      const r = await seed(handle.db, { scale: 'large', force: n > 0, log: (m: string) => console.log(`  ${m}`) });
      if (!r.ok) throw new Error(`seeding failed: ${r.reason}`);
    }
    // The app's job keeps roll-ups current; a freshly seeded database gets them in one rebuild.
    const [{ d }] = await queryRows<{ d: number }>(handle.db, sql`SELECT count(*)::int AS d FROM tool_execution_hours`);
    if (d === 0) await rebuildRollups(handle.db);
    // What the app's job does every ROLLUP_REFRESH_INTERVAL_MS: pending marks folded in, tool_users filled
    // (also on a database seeded before drizzle/0009).
    await catchUpRollups(handle.db);
    // What autovacuum does on a live server (this one runs with autovacuum off): statistics and visibility maps
    // for the small roll-up tables, which the seed's ANALYZE saw empty.
    for (const table of ROLLUP_TABLES) await handle.db.execute(sql.raw(`VACUUM (ANALYZE) ${table}`));
  } finally {
    await handle.close();
  }
}
