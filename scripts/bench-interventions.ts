/**
 * npx tsx scripts/bench-interventions.ts [--url postgres://…] [--sessions 100000]
 * Times the Interventions page's queries (active list, history; filters; keyset pages) on a large throwaway
 * Postgres database and prints each query's plan head, so index use can be checked. The same functions are what
 * `npm run bench` should time (lib/interventions/queries.ts).
 */
import { sql, type SQL } from 'drizzle-orm';
import postgres from 'postgres';
import { createDb, queryRows, type Db } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { decodeCursor, listActiveInterventions, listInterventionHistory } from '@/lib/interventions/queries';
import { argValue, runCli } from './cli';

/** Captures the SQL a query function would run, to EXPLAIN exactly that statement. */
async function capture(fn: (db: Db) => Promise<unknown>): Promise<SQL> {
  let q: SQL | undefined;
  const spy = { execute: async (s: SQL) => ((q = s), []) } as unknown as Db;
  await fn(spy);
  return q!;
}

function p95(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))];
}

runCli(async () => {
  const base = argValue('url', process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')!;
  const sessions = Number(argValue('sessions', '100000'));
  const name = `fd_bench_int_${Date.now().toString(36)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  const handle = await createDb({ url: u.toString(), poolMax: 2 });
  try {
    const db = handle.db;
    await migrate(db);
    console.log(`seeding ${sessions} sessions, ${sessions * 3} pauses (5% of sessions with an open pause)…`);
    await db.execute(sql`INSERT INTO agent_sessions (id, project, agent_name, external_id, status, started_at)
      SELECT gen_random_uuid(), 'project-' || (g % 40), 'agent-' || (g % 7), 'ext-' || g,
             CASE WHEN g % 20 = 0 THEN 'paused' ELSE 'completed' END, now() - (g || ' minutes')::interval
      FROM generate_series(1, ${sessions}) g`);
    await db.execute(sql`INSERT INTO paused_sessions (session_id, reason, pause_type, context, paused_at, resolved, resolved_at, resolved_by, resolution)
      SELECT s.id, 'reason ' || k, (ARRAY['retry_limit','blocker','error','timeout','manual','budget'])[1 + (k + abs(hashtext(s.external_id))) % 6],
             '{"last_error":"HTTP 429","recent_tool_calls":[{"tool":"web_search","success":false}]}'::jsonb,
             s.started_at + (k || ' seconds')::interval,
             NOT (s.status = 'paused' AND k = 3),
             CASE WHEN s.status = 'paused' AND k = 3 THEN NULL ELSE s.started_at + (k * 60 || ' seconds')::interval END,
             CASE WHEN s.status = 'paused' AND k = 3 THEN NULL ELSE 'eng@example.com' END,
             CASE WHEN s.status = 'paused' AND k = 3 THEN NULL ELSE (ARRAY['resumed','aborted','restored'])[1 + k % 3] END
      FROM agent_sessions s CROSS JOIN generate_series(1, 3) k`);
    await db.execute(sql`ANALYZE`);

    const first = await listInterventionHistory(db, { limit: 50 });
    const activeFirst = await listActiveInterventions(db, { limit: 50 });
    const cases: [string, (d: Db) => Promise<unknown>][] = [
      ['active, first page', (d) => listActiveInterventions(d, { limit: 50 })],
      ['active, page 2 (keyset)', (d) => listActiveInterventions(d, { limit: 50, cursor: decodeCursor(activeFirst.nextCursor) })],
      ['active, type + age filter', (d) => listActiveInterventions(d, { limit: 50, type: 'blocker', age: '1h' })],
      ['active, project filter', (d) => listActiveInterventions(d, { limit: 50, project: 'project-7' })],
      ['history, first page', (d) => listInterventionHistory(d, { limit: 50 })],
      ['history, page 2 (keyset)', (d) => listInterventionHistory(d, { limit: 50, cursor: decodeCursor(first.nextCursor) })],
      ['history, project + resolution', (d) => listInterventionHistory(d, { limit: 50, project: 'project-7', resolution: 'aborted' })],
      ['history, date range', (d) => listInterventionHistory(d, { limit: 50, from: '2000-01-01', to: new Date().toISOString().slice(0, 10) })],
    ];
    for (const [label, fn] of cases) {
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t0 = performance.now();
        await fn(db);
        times.push(performance.now() - t0);
      }
      const plan = await queryRows<{ 'QUERY PLAN': string }>(db, sql`EXPLAIN ${await capture(fn)}`);
      const indexes = [...new Set(plan.map((r) => r['QUERY PLAN'].match(/using (\w+)/i)?.[1]).filter(Boolean))];
      console.log(`${label.padEnd(32)} p95 ${p95(times).toFixed(1).padStart(6)} ms  indexes: ${indexes.join(', ') || 'NONE (seq scan)'}`);
    }
  } finally {
    await handle.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
});
