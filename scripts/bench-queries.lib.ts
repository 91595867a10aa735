/**
 * Shared by `npm run bench:queries` (scripts/bench-queries.ts) and its `--compare large,xlarge` mode
 * (scripts/bench-queries-compare.ts): the bench databases, EXPLAIN, and replaying a recorded statement.
 */
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { createDb, queryRows, type Db } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { seed, type SeedScale } from '@/lib/seed';
import { catchUpRollups, rebuildRollups } from '@/lib/analytics/rollups';
import type { RecordedStatement } from '@/lib/observability/instrument';

export const benchUrls: Record<'large' | 'xlarge', string> = {
  large: process.env.BENCH_LARGE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/flightdeck_bench_large',
  xlarge: process.env.BENCH_XLARGE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/flightdeck_bench_xlarge',
};
const SEEDED_SESSIONS: Record<'large' | 'xlarge', number> = { large: 100_000, xlarge: 1_000_000 };
const ROLLUP_TABLES = ['tool_execution_hours', 'tool_user_days', 'intervention_hours', 'recovery_hours', 'retry_hours', 'session_hours', 'tool_execution_days', 'intervention_days', 'recovery_days', 'retry_days', 'session_days', 'tool_users', 'rollup_state'];
/** A sequential scan of a table with more rows than this is flagged. */
export const SEQ_SCAN_ROWS = 10_000;

/** How long seeding a bench database takes on this 2-core machine (both cores busy), for messages. */
export const SEED_TIME: Record<'large' | 'xlarge', string> = { large: 'about 3–5 minutes', xlarge: '25–60 minutes (45–60 with other work running)' };

/**
 * Whether the bench database of `scale` is there and seeded (at least its sessions), without creating anything:
 * `reason` says what is missing when it is not.
 */
export async function benchDatabaseState(scale: 'large' | 'xlarge'): Promise<{ ready: boolean; name: string; reason?: string }> {
  const u = new URL(benchUrls[scale]);
  const name = u.pathname.slice(1);
  const admin = postgres({ host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username || 'postgres'), password: decodeURIComponent(u.password), database: 'postgres', max: 1, onnotice: () => {} });
  try {
    const exists = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (!exists.length) return { ready: false, name, reason: `the database ${name} does not exist` };
  } finally {
    await admin.end();
  }
  const client = postgres(benchUrls[scale], { max: 1, onnotice: () => {} });
  try {
    const [row] = await client<{ n: number | null }[]>`SELECT CASE WHEN to_regclass('agent_sessions') IS NULL THEN NULL ELSE (SELECT count(*)::int FROM agent_sessions) END AS n`.catch(() => [{ n: null }]);
    const n = row?.n ?? 0;
    if (n < SEEDED_SESSIONS[scale]) {
      return { ready: false, name, reason: `${name} has ${n.toLocaleString('en')} of the ${SEEDED_SESSIONS[scale].toLocaleString('en')} sessions of a finished ${scale} seed` };
    }
    return { ready: true, name };
  } finally {
    await client.end();
  }
}

/** The bench database of `scale`: created, migrated and seeded (once; kept for later runs) when needed. */
export async function ensureBenchDatabase(scale: 'large' | 'xlarge' = 'large') {
  const url = benchUrls[scale];
  const u = new URL(url);
  const name = u.pathname.slice(1);
  const admin = postgres({ ...Object.fromEntries([]), host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username || 'postgres'), password: decodeURIComponent(u.password), database: 'postgres', max: 1, onnotice: () => {} });
  const exists = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
  if (!exists.length) {
    console.log(`Creating ${name} and seeding the ${scale} data set (several minutes; xlarge: tens of minutes)…`);
    await admin.unsafe(`CREATE DATABASE ${name}`);
  }
  await admin.end();
  const handle = await createDb({ url, poolMax: 4 });
  try {
    const { applied } = await migrate(handle.db);
    // drizzle/0019's backfill rewrote every recovery of an already seeded database, and this server runs with
    // autovacuum off: without the vacuum a live server's autovacuum would do, the Recoveries statements would read
    // past the old row versions (a fresh database is seeded after its migrations and needs none).
    if (applied.includes('0019_recovery_denormalised')) await handle.db.execute(sql`VACUUM (ANALYZE) checkpoint_recoveries`);
    const [{ n }] = await queryRows<{ n: number }>(handle.db, sql`SELECT count(*)::int AS n FROM agent_sessions`);
    if (n < SEEDED_SESSIONS[scale]) {
      const r = await seed(handle.db, { scale: scale as SeedScale, force: n > 0, log: (m: string) => console.log(`  ${m}`) });
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

export type PlanNode = { 'Node Type': string; 'Relation Name'?: string; Plans?: PlanNode[]; 'Index Name'?: string };

export function walk(node: PlanNode, out: PlanNode[] = []) {
  out.push(node);
  for (const c of node.Plans ?? []) walk(c, out);
  return out;
}

export async function explain(client: postgres.Sql, s: RecordedStatement, large: Set<string>) {
  const [row] = await client.unsafe(`EXPLAIN (ANALYZE, FORMAT JSON) ${s.text}`, s.params as never[]);
  const plan = (row as Record<string, unknown>)['QUERY PLAN'] as [{ Plan: PlanNode; 'Execution Time': number }];
  const nodes = walk(plan[0].Plan);
  const seq = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && large.has(n['Relation Name'] ?? '')).map((n) => n['Relation Name']!);
  const indexes = nodes.map((n) => n['Index Name']).filter(Boolean) as string[];
  return { ms: plan[0]['Execution Time'], seq, indexes };
}

/** Tables over SEQ_SCAN_ROWS rows (planner statistics, fresh after the seed's ANALYZE). */
export async function largeTables(client: postgres.Sql): Promise<Set<string>> {
  const rows = await client`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.reltuples > ${SEQ_SCAN_ROWS}`;
  return new Set(rows.map((r) => String(r.relname)));
}

/** A statement replayed as the page sent it (same text, parameters and driver options), through the data layer. */
export function replayer(db: Db, s: RecordedStatement) {
  const client = (db as unknown as { $client: { unsafe: (t: string, p: unknown[], o?: unknown) => PromiseLike<unknown> } }).$client;
  return () => Promise.resolve(client.unsafe(s.text, s.params, s.options));
}

export const label = (text: string) => {
  const one = text.replace(/\s+/g, ' ').trim();
  return (one.length > 90 ? `${one.slice(0, 90)}…` : one).replace(/\|/g, '\\|');
};


/** `runs` timed calls one at a time after 3 untimed ones; sorted latencies (ms). */
export async function timeSequential(run: () => Promise<unknown>, runs: number) {
  for (let i = 0; i < 3; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b);
}

