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
import { rebuildRollups } from '@/lib/analytics/rollups';
import { benchQueries, type BenchQuery } from './bench-queries.list';
import { runCli } from './cli';

const url = process.env.BENCH_LARGE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/flightdeck_bench_large';
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
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

runCli(async () => {
  await ensureLargeDatabase();
  const client = postgres(url, { max: 4, onnotice: () => {} });
  const handle = await createDb({ url, poolMax: 10 });
  const rows: string[] = [];
  const results: { name: string; page: string; p50: number; p95: number; floor: number; bar: number; seq: string[]; indexes: string[] }[] = [];
  try {
    // Overview and Tools read roll-ups (bar 20 ms); the same figures from raw rows are timed for comparison.
    const analytics: BenchQuery[] = (await analyticsBenchCases(handle.db, '30d')).map((c) => ({
      name: `${c.name}${c.group === 'raw' ? ' (raw aggregation, for comparison)' : ''}`,
      page: c.name.startsWith('tools') ? 'Tools' : 'Overview',
      barMs: c.group === 'raw' ? Number.POSITIVE_INFINITY : 20,
      run: c.run,
    }));
    for (const q of [...benchQueries, ...analytics]) {
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
  const header = `# Page query benchmarks\n\nGenerated by \`npm run bench:queries\` on ${new Date().toISOString()} — ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; data set: large (${url.replace(/:[^:@/]*@/, ':***@')}); ${RUNS} runs per query after 3 warm-ups, one caller at a time. The floor is the same SQL's execution time inside Postgres (EXPLAIN ANALYZE) measured in the same run; the ratio is what the driver, the network hop, the data layer and result mapping add.\n\n`;
  const out = header + rows.join('\n') + '\n';
  console.log('\n' + out);
  fs.mkdirSync('docs', { recursive: true });
  fs.writeFileSync(path.join('docs', 'benchmarks-queries.md'), out);
});
