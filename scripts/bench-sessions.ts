import postgres from 'postgres';
import { listRecoveries, listRecoveryFailures, recoveryStats } from '@/lib/checkpoints/queries';
import { createDb, queryRows, type Db } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { loadCheckpointPage, loadSessionPage } from '@/lib/pages/sessions';
import { listSessions } from '@/lib/sessions/queries';
import { sql } from 'drizzle-orm';
import { argValue, hasFlag, runCli } from './cli';

/**
 * Server-time benchmark of the Sessions, Checkpoint and Recoveries pages on a large generated data set, in a
 * throwaway database on a Postgres server: 20k sessions, 300k events, 40k small checkpoints, 30k recoveries
 * over 90 days, plus one session with 1,000 events and 200 checkpoints (growing histories, ~30 MB) and one
 * 5 MB checkpoint (10,000 messages). Prints p50/p95 per page function and, with --explain, each query's plan.
 *
 *   npx tsx scripts/bench-sessions.ts --url postgres://postgres@127.0.0.1:5432/postgres [--explain] [--runs 30]
 */
const budgets: Record<string, number> = {
  'session detail (1,000 events, 200 checkpoints)': 150,
  'session detail, page 5 of the timeline': 150,
  'checkpoint page, 5 MB history': 500,
  'checkpoint page, 5 MB history, last window': 500,
  'checkpoint page, #200 only new messages': 500,
  'recovery charts (by method + per day, 30 d)': 100,
};

async function generate(db: Db) {
  const run = (q: string) => queryRows(db, sql.raw(q));
  await run(`INSERT INTO agent_sessions (project, agent_name, external_id, status, current_task, started_at, last_heartbeat_at)
    SELECT 'proj-' || (i % 40), 'agent-' || (i % 12), 'ext-' || i,
           (ARRAY['running','paused','completed','failed','aborted','completed'])[1 + i % 6], 'task-' || (i % 17),
           now() - make_interval(mins => i * 2), now() - make_interval(mins => i % 300)
      FROM generate_series(1, 20000) i`);
  await run(`CREATE TEMP TABLE bench_sessions AS
    SELECT substr(external_id, 5)::int AS rn, id, started_at FROM agent_sessions`);
  await run(`INSERT INTO execution_events (event_type, aggregate_type, aggregate_id, metadata, created_at)
    SELECT (ARRAY['tool_call','tool_result','llm_call','heartbeat'])[1 + i % 4], 'session', s.id::text,
           jsonb_build_object('correlation_id', 'corr-' || i, 'duration_ms', i % 900),
           s.started_at + make_interval(secs => i % 3600)
      FROM generate_series(1, 300000) i
      JOIN bench_sessions s ON s.rn = 1 + i % 20000`);
  await run(`INSERT INTO session_checkpoints (session_id, sequence, checkpoint_type, conversation_history, message_count, size_bytes, created_at)
    SELECT s.id, q, 'periodic', jsonb_build_array(jsonb_build_object('role', 'user', 'content', md5(s.id::text))), 1, 60,
           s.started_at + make_interval(mins => q)
      FROM agent_sessions s, generate_series(1, 2) q`);
  await run(`INSERT INTO checkpoint_recoveries (checkpoint_id, session_id, recovery_method, recovery_status, started_at, completed_at, recovery_duration_seconds, initiated_by, error)
    SELECT c.id, c.session_id, (ARRAY['manual','automatic'])[1 + i % 2],
           (ARRAY['succeeded','succeeded','succeeded','failed','abandoned'])[1 + i % 5],
           now() - make_interval(mins => i * 4), now() - make_interval(mins => i * 4) + make_interval(secs => 1 + i % 50), 1 + i % 50,
           'bench@example.com', CASE WHEN i % 5 IN (3, 4) THEN 'state mismatch ' || i END
      FROM generate_series(1, 30000) i
      JOIN bench_sessions s ON s.rn = 1 + i % 20000
      JOIN session_checkpoints c ON c.session_id = s.id AND c.sequence = 1`);

  // The big session: 1,000 events and 200 checkpoints whose history grows by 5 messages each.
  const [big] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO agent_sessions (project, agent_name, external_id, status, current_task) VALUES ('bench', 'coder', 'big-1', 'paused', 'task-200') RETURNING id`,
  );
  await run(`INSERT INTO execution_events (event_type, aggregate_type, aggregate_id, metadata, created_at)
    SELECT 'tool_call', 'session', '${big.id}', jsonb_build_object('tool', 'web_search', 'n', i), now() - make_interval(secs => 100000 - i * 90)
      FROM generate_series(1, 1000) i`);
  await run(`CREATE TEMP TABLE bench_msgs AS
    SELECT i, jsonb_build_object('role', CASE WHEN i % 2 = 0 THEN 'assistant' ELSE 'user' END,
             'content', (SELECT string_agg(md5(i::text || ':' || j), ' ') FROM generate_series(1, 9) j)) AS m
      FROM generate_series(1, 10000) i`);
  for (let k = 1; k <= 200; k += 20) {
    await run(`INSERT INTO session_checkpoints (session_id, sequence, checkpoint_type, conversation_history, message_count, completed_tasks, metrics_snapshot, size_bytes, created_at)
      SELECT '${big.id}', k, 'task_completion',
             (SELECT jsonb_agg(m ORDER BY i) FROM bench_msgs WHERE i <= k * 5), k * 5,
             (SELECT jsonb_agg('task-' || t) FROM generate_series(1, k) t), jsonb_build_object('tokens', k * 1000, 'cost_usd', k * 0.01),
             k * 5 * 300, now() - make_interval(secs => 100000 - k * 450)
        FROM generate_series(${k}, ${Math.min(k + 19, 200)}) k`);
  }
  for (let p = 0; p < 20; p++) {
    await run(`WITH p AS (INSERT INTO paused_sessions (session_id, reason, pause_type, paused_at, resolved, resolved_at, resolved_by, resolution)
                 VALUES ('${big.id}', 'retry limit', 'retry_limit', now() - make_interval(secs => ${90000 - p * 4000}), true,
                         now() - make_interval(secs => ${89000 - p * 4000}), 'eve@example.com', 'resumed') RETURNING id, paused_at, resolved_at)
      INSERT INTO intervention_actions (paused_session_id, session_id, action, actor, created_at)
      SELECT id, '${big.id}'::uuid, 'paused', 'agent', paused_at FROM p UNION ALL SELECT id, '${big.id}'::uuid, 'resumed', 'eve@example.com', resolved_at FROM p`);
  }
  await run(`INSERT INTO checkpoint_recoveries (checkpoint_id, session_id, recovery_status, started_at, completed_at, recovery_duration_seconds, initiated_by)
    SELECT c.id, c.session_id, 'succeeded', c.created_at + interval '10 seconds', c.created_at + interval '20 seconds', 10, 'eve@example.com'
      FROM session_checkpoints c WHERE c.session_id = '${big.id}' AND c.sequence % 20 = 0`);

  // The 5 MB checkpoint: 10,000 messages of ~300 characters.
  const [huge] = await queryRows<{ id: string; session_id: string }>(
    db,
    sql.raw(`WITH s AS (INSERT INTO agent_sessions (project, agent_name, external_id, status) VALUES ('bench', 'coder', 'huge-1', 'paused') RETURNING id)
      INSERT INTO session_checkpoints (session_id, sequence, checkpoint_type, conversation_history, message_count, size_bytes)
      SELECT s.id, 1, 'pre_intervention', (SELECT jsonb_agg(m || jsonb_build_object('content', (m->>'content') || ' ' || (m->>'content')) ORDER BY i) FROM bench_msgs), 10000, 0 FROM s
      RETURNING id, session_id`),
  );
  await run(`UPDATE session_checkpoints SET size_bytes = octet_length(conversation_history::text) WHERE id = '${huge.id}'`);
  await run('ANALYZE');
  const [size] = await queryRows<{ n: number }>(db, sql`SELECT size_bytes AS n FROM session_checkpoints WHERE id = ${huge.id}`);
  const [bigCp] = await queryRows<{ id: string }>(db, sql`SELECT id FROM session_checkpoints WHERE session_id = ${big.id} AND sequence = 200`);
  return { bigSession: big.id, bigCheckpoint: bigCp.id, hugeCheckpoint: huge.id, hugeSession: huge.session_id, hugeBytes: size.n };
}

async function time(runs: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const at = (p: number) => ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)];
  return { p50: at(0.5), p95: at(0.95) };
}

runCli(async () => {
  const base = argValue('url') ?? process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('pass --url postgres://… (a server where a throwaway database may be created)');
  const runs = Number(argValue('runs', '30'));
  const name = `fd_bench_sessions_${Date.now().toString(36)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  // Generating the data set takes longer than the app's statement timeout allows.
  process.env.DB_STATEMENT_TIMEOUT_MS = '0';
  const handle = await createDb({ url: u.toString(), poolMax: 4, applicationName: 'bench-sessions' });
  try {
    await migrate(handle.db);
    const t0 = performance.now();
    const ids = await generate(handle.db);
    console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s; 5 MB checkpoint is ${(ids.hugeBytes / 1024 / 1024).toFixed(1)} MB`);
    const db = handle.db;
    const page1 = await loadSessionPage(db, { id: ids.bigSession });
    let cursor = page1?.timeline.nextCursor ?? null;
    for (let i = 0; i < 3 && cursor; i++) cursor = (await loadSessionPage(db, { id: ids.bigSession, before: cursor }))?.timeline.nextCursor ?? null;
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['session detail (1,000 events, 200 checkpoints)', () => loadSessionPage(db, { id: ids.bigSession })],
      ['session detail, page 5 of the timeline', () => loadSessionPage(db, { id: ids.bigSession, before: cursor })],
      ['checkpoint page, 5 MB history', () => loadCheckpointPage(db, { sessionId: ids.hugeSession, checkpointId: ids.hugeCheckpoint })],
      ['checkpoint page, 5 MB history, last window', () => loadCheckpointPage(db, { sessionId: ids.hugeSession, checkpointId: ids.hugeCheckpoint, from: 9800 })],
      ['checkpoint page, #200 only new messages', () => loadCheckpointPage(db, { sessionId: ids.bigSession, checkpointId: ids.bigCheckpoint, view: 'added' })],
      [
        'recovery charts (by method + per day, 30 d)',
        () => recoveryStats(db, { days: 30 }),
      ],
      ['recoveries history + failures', () => Promise.all([listRecoveries(db, { limit: 50 }), listRecoveryFailures(db, { limit: 10 })])],
      ['sessions list, first page', () => listSessions(db, { limit: 50 })],
      ['sessions list, status + agent filter', () => listSessions(db, { status: 'failed', agentName: 'agent-3', limit: 50 })],
      ['sessions search by correlation id', () => listSessions(db, { search: 'corr-123456' })],
      ['sessions search by external id', () => listSessions(db, { search: 'ext-777' })],
    ];
    console.log(`\n${'page function'.padEnd(48)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}  budget`);
    for (const [label, fn] of cases) {
      const r = await time(runs, fn);
      const budget = budgets[label];
      const verdict = budget ? `${budget} ms ${r.p95 <= budget ? 'ok' : 'OVER'}` : '';
      console.log(`${label.padEnd(48)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)}  ${verdict}`);
    }

    if (hasFlag('explain')) {
      // Capture the statements each page function sends, then EXPLAIN ANALYZE them with the same parameters.
      const captured: Array<{ label: string; query: string; params: unknown[] }> = [];
      const options = (handle.sql as unknown as { options: { debug?: unknown } }).options;
      for (const [label, fn] of cases) {
        options.debug = (_c: number, query: string, params: unknown[]) => {
          if (!/^\s*(select|with)/i.test(query) || /pg_try_advisory/.test(query)) return;
          captured.push({ label, query, params });
        };
        await fn();
        options.debug = undefined;
      }
      for (const c of captured) {
        const plan = await handle.sql!.unsafe(`EXPLAIN (ANALYZE, COSTS off, SUMMARY on) ${c.query}`, c.params as never[]);
        const lines = plan.map((r) => String(r['QUERY PLAN']));
        const interesting = lines.filter((l) => /Scan|Execution Time|Sort|Aggregate|Limit/.test(l)).map((l) => l.replace(/\s*\(actual time=[^)]*\)/, ''));
        console.log(`\n[${c.label}] ${c.query.replace(/\s+/g, ' ').slice(0, 110)}…`);
        for (const l of interesting.slice(0, 14)) console.log(`  ${l.trimEnd()}`);
      }
    }
  } finally {
    await handle.close();
    if (hasFlag('keep')) {
      console.log(`kept database ${name}`);
    } else {
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    }
  }
});
