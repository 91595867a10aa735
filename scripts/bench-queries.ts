/**
 * npm run bench:queries — every query the console's pages run, timed on the `large` data set, against the floor
 * of the same SQL measured inside Postgres (EXPLAIN ANALYZE execution time) in the same run, with the plan checked
 * for sequential scans of large tables.
 *
 * Data: BENCH_LARGE_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/flightdeck_bench_large. A missing
 * database is created and seeded with `--scale large` first (about 5 minutes here); it is kept for later runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { createDb, queryRows, type Db } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { percentileOf } from '@/lib/db/monitor';
import * as schema from '@/lib/db/schema';
import { seed } from '@/lib/db/seed';
import { analyticsBenchCases } from '@/lib/analytics/bench';
import { loadOverviewPage, loadToolsPage } from '@/lib/analytics/page-data';
import { parseTimeRange } from '@/lib/analytics/range';
import { listToolUsers } from '@/lib/tools/stats';
import { rebuildRollups } from '@/lib/analytics/rollups';
import { benchQueries, type BenchQuery } from './bench-queries.list';
import { argValue, runCli } from './cli';

const url = process.env.BENCH_LARGE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/flightdeck_bench_large';
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
/** `--only <text>`: time only the queries and pages whose name contains it; the table is printed, the docs are not written. */
const ONLY = argValue('only');
const READERS = 10;
const PAGE_LOADS = Number(process.env.BENCH_PAGE_LOADS ?? 20); // per reader
const WARM_UP_LOADS = 8; // per reader
const ROLLUP_TABLES = ['tool_execution_hours', 'tool_user_days', 'intervention_hours', 'recovery_hours', 'retry_hours', 'session_hours', 'tool_execution_days', 'intervention_days', 'recovery_days', 'retry_days', 'session_days'];
const LARGE_TABLES = new Set(['agent_sessions', 'execution_events', 'user_tool_history', 'session_checkpoints', 'paused_sessions', 'checkpoint_recoveries', 'intervention_actions']);

async function ensureLargeDatabase() {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  const admin = postgres({ ...Object.fromEntries([]), host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username || 'postgres'), password: decodeURIComponent(u.password), database: 'postgres', max: 1, onnotice: () => {} });
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
    // What autovacuum does on a live server (this one runs with autovacuum off): statistics and visibility maps
    // for the small roll-up tables, which the seed's ANALYZE saw empty.
    for (const table of ROLLUP_TABLES) await handle.db.execute(sql.raw(`VACUUM (ANALYZE) ${table}`));
  } finally {
    await handle.close();
  }
}

type Captured = { text: string; params: unknown[] };

/** Runs a query once on a logging Drizzle instance to learn the SQL it sends. */
async function captureSql(client: postgres.Sql, q: BenchQuery): Promise<Captured[]> {
  const captured: Captured[] = [];
  const db = drizzle(client, { schema, logger: { logQuery: (text, params) => captured.push({ text, params }) } }) as unknown as Db;
  await q.run(db);
  return captured;
}

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; Plans?: PlanNode[]; 'Index Name'?: string };

function walk(node: PlanNode, out: PlanNode[] = []) {
  out.push(node);
  for (const c of node.Plans ?? []) walk(c, out);
  return out;
}

async function explain(client: postgres.Sql, c: Captured) {
  const [row] = await client.unsafe(`EXPLAIN (ANALYZE, FORMAT JSON) ${c.text}`, c.params as never[]);
  const plan = (row as Record<string, unknown>)['QUERY PLAN'] as [{ Plan: PlanNode; 'Execution Time': number }];
  const nodes = walk(plan[0].Plan);
  const seq = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && LARGE_TABLES.has(n['Relation Name'] ?? '')).map((n) => n['Relation Name']!);
  const indexes = nodes.map((n) => n['Index Name']).filter(Boolean) as string[];
  return { ms: plan[0]['Execution Time'], seq, indexes };
}

type PageCase = { name: string; run: (db: Db) => Promise<unknown> };
type PageResult = { name: string; statements: number; p50: number; p95: number; bareP50: number; bareP95: number; floor: number };

/** The Overview and Tools pages as a first visit opens them: 30 days, the Tools page's default user and strategy. */
async function pageCases(db: Db): Promise<PageCase[]> {
  const range = parseTimeRange({ range: '30d' });
  const [user] = await listToolUsers(db, { limit: 1 });
  const [tool] = await queryRows<{ tool_name: string }>(db, sql`SELECT tool_name FROM tool_execution_days ORDER BY day DESC, tool_name LIMIT 1`);
  return [
    { name: 'Overview (30 d)', run: (d) => loadOverviewPage(d, range) },
    { name: 'Tools (30 d)', run: (d) => loadToolsPage(d, range, { strategy: 'mean' }) },
    { name: 'Tools (30 d, user + tool filter)', run: (d) => loadToolsPage(d, range, { strategy: 'mean', userId: user?.userId, tool: tool?.tool_name }) },
  ];
}

/** `READERS` callers each running `run` `PAGE_LOADS` times back to back; every call's latency. */
async function concurrently(run: () => Promise<unknown>, loads = PAGE_LOADS): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: READERS }, async () => {
      for (let i = 0; i < loads; i++) {
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
    }),
  );
  return times.sort((a, b) => a - b);
}

async function benchPage(client: postgres.Sql, db: Db, page: PageCase): Promise<PageResult> {
  const statements = await captureSql(client, { name: page.name, page: page.name, barMs: 150, run: page.run });
  let floor = 0;
  for (const s of statements) floor += (await explain(client, s)).ms;
  // Warm-up by the same 10 readers, so every pooled connection has connected and prepared (and, after five runs,
  // may cache the generic plans of) the page's statements, as in a server that has been up for a while.
  await concurrently(() => page.run(db), WARM_UP_LOADS);
  const times = await concurrently(() => page.run(db));
  const bare = postgres(url, { max: Number(process.env.DB_POOL_MAX ?? 10), onnotice: () => {} });
  try {
    // Prepared, as the loaders send their roll-up reads: the floor is the cheapest way to run the same SQL.
    const replay = () => Promise.all(statements.map((s) => bare.unsafe(s.text, s.params as never[], { prepare: true })));
    await concurrently(replay, WARM_UP_LOADS);
    const bareTimes = await concurrently(replay);
    return {
      name: page.name,
      statements: statements.length,
      p50: percentileOf(times, 0.5) ?? 0,
      p95: percentileOf(times, 0.95) ?? 0,
      bareP50: percentileOf(bareTimes, 0.5) ?? 0,
      bareP95: percentileOf(bareTimes, 0.95) ?? 0,
      floor,
    };
  } finally {
    await bare.end();
  }
}

runCli(async () => {
  await ensureLargeDatabase();
  const client = postgres(url, { max: 4, onnotice: () => {} });
  // The app's pool size (DB_POOL_MAX, default 10): the page rows run 10 readers on it as the server would.
  const handle = await createDb({ url });
  const rows: string[] = [];
  const results: { name: string; page: string; p50: number; p95: number; floor: number; bar: number; seq: string[]; indexes: string[] }[] = [];
  const pages: PageResult[] = [];
  try {
    // Overview and Tools read roll-ups (bar 20 ms); the same figures from raw rows are timed for comparison.
    const analytics: BenchQuery[] = (await analyticsBenchCases(handle.db, '30d')).map((c) => ({
      name: `${c.name}${c.group === 'raw' ? ' (raw aggregation, for comparison)' : ''}`,
      page: c.name.startsWith('tools') ? 'Tools' : 'Overview',
      // The ranking API's bar is 10 ms (issue 8); every other Overview/Tools query's is 20 ms.
      barMs: c.group === 'raw' ? Number.POSITIVE_INFINITY : c.name.startsWith('tools.rank') ? 10 : 20,
      run: c.run,
    }));
    for (const q of [...benchQueries, ...analytics].filter((x) => !ONLY || x.name.includes(ONLY))) {
      await q.prepare?.(handle.db);
      const statements = await captureSql(client, q);
      let floor = 0;
      const seq: string[] = [];
      const indexes: string[] = [];
      for (const s of statements) {
        const e = await explain(client, s);
        floor += e.ms;
        seq.push(...e.seq);
        indexes.push(...e.indexes);
      }
      // Warm-up. Sequential calls rotate over the pool's connections, so the page queries are first run by 10
      // concurrent callers, 6 times each: every connection has prepared them and may cache their generic plans, as
      // in a server that has been up for a while (a cold connection plans a roll-up read in several ms).
      if (Number.isFinite(q.barMs)) await concurrently(() => q.run(handle.db), 6);
      for (let i = 0; i < 3; i++) await q.run(handle.db);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        await q.run(handle.db);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      results.push({ name: q.name, page: q.page, p50: percentileOf(times, 0.5) ?? 0, p95: percentileOf(times, 0.95) ?? 0, floor, bar: q.barMs, seq, indexes: [...new Set(indexes)] });
      console.log(`  ${q.name}: p95 ${(percentileOf(times, 0.95) ?? 0).toFixed(1)} ms`);
    }
    for (const page of (await pageCases(handle.db)).filter((x) => !ONLY || x.name.includes(ONLY))) {
      pages.push(await benchPage(client, handle.db, page));
      const last = pages[pages.length - 1];
      console.log(`  page ${page.name}: p95 ${last.p95.toFixed(1)} ms at ${READERS} readers`);
    }
  } finally {
    await client.end();
    await handle.close();
  }
  rows.push('| page | query | p50 ms | p95 ms | bar (p95) | Postgres execution ms (floor) | ratio p50/floor | seq scans of large tables | indexes used |');
  rows.push('|---|---|---:|---:|---:|---:|---:|---|---|');
  for (const r of results) {
    const bar = Number.isFinite(r.bar) ? `${r.bar} ${r.p95 <= r.bar ? '✅' : '❌'}` : '—';
    rows.push(
      `| ${r.page} | ${r.name} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${bar} | ${r.floor.toFixed(2)} | ${(r.p50 / Math.max(r.floor, 0.01)).toFixed(1)}× | ${r.seq.join(', ') || 'none'} | ${r.indexes.join(', ') || '—'} |`,
    );
  }
  rows.push(
    '',
    `## Pages: server-side reads at ${READERS} concurrent readers`,
    '',
    `Each page's server-side loader (lib/analytics/page-data.ts: the refresh-on-read check and every read the page's cards make, the cards' reads concurrently as their Suspense boundaries run them) called by ${READERS} concurrent readers, ${PAGE_LOADS} loads each after ${WARM_UP_LOADS} warm-up loads each, on the app's pool (DB_POOL_MAX). This is loader-level server time (no HTTP, no React render, no session check). Beside it, the same SQL statements (captured from one load) replayed as prepared statements, all at once, on the bare postgres.js driver by ${READERS} concurrent readers — the raw-SQL floor at the same concurrency — and their summed Postgres execution time for one load (EXPLAIN ANALYZE, one caller).`,
    '',
    '| page | statements per load | loader p50 ms | loader p95 ms | bar (p95) | bare driver p50 ms | bare driver p95 ms | Postgres execution ms (one load) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of pages) {
    rows.push(
      `| ${r.name} | ${r.statements} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | 150 ${r.p95 <= 150 ? '✅' : '❌'} | ${r.bareP50.toFixed(2)} | ${r.bareP95.toFixed(2)} | ${r.floor.toFixed(2)} |`,
    );
  }
  const header = `# Page query benchmarks\n\nGenerated by \`npm run bench:queries\` on ${new Date().toISOString()} — ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; data set: large (${url.replace(/:[^:@/]*@/, ':***@')}); ${RUNS} runs per query, one caller at a time, after warm-up (page queries: 6 runs by each of 10 concurrent callers, so every pooled connection has prepared them; then 3 runs; raw aggregations: 3 runs). The floor is the same SQL's execution time inside Postgres (EXPLAIN ANALYZE) measured in the same run; the ratio is what the driver, the network hop, the data layer and result mapping add.\n\n`;
  const out = header + rows.join('\n') + '\n';
  console.log('\n' + out);
  if (ONLY) return console.log(`(--only ${ONLY}: docs/benchmarks-queries.md not written)`);
  fs.mkdirSync('docs', { recursive: true });
  fs.writeFileSync(path.join('docs', 'benchmarks-queries.md'), out);
});
