import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '@/lib/db/client';
import { describeEachDb } from '@/lib/test/db';
import { toNumberArray } from './histogram';
import { seededRng, type Rng } from './random';
import { rawAggregations, rebuildRollups, refreshRollups } from './rollups';

const HOUR = 3_600_000;
const now = Date.now();

function normalise(rows: Record<string, unknown>[]) {
  return rows
    .map((r) =>
      JSON.stringify(
        Object.keys(r)
          .sort()
          .map((k) => {
            const v = r[k];
            if (v instanceof Date) return [k, v.toISOString()];
            if (k.endsWith('_buckets')) return [k, toNumberArray(v)];
            if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return [k, Number(v)];
            if (typeof v === 'bigint') return [k, Number(v)];
            if (typeof v === 'number') return [k, Math.round(v * 1000) / 1000];
            return [k, v];
          }),
      ),
    )
    .sort();
}

async function expectRollupsEqualRaw(db: Db) {
  const table = (name: string) => queryRows(db, sql.raw(`SELECT * FROM ${name}`));
  expect(normalise(await table('tool_execution_hours'))).toEqual(normalise(await rawAggregations.toolHours(db)));
  expect(normalise(await table('tool_user_days'))).toEqual(normalise(await rawAggregations.toolUserDays(db)));
  expect(normalise(await table('intervention_hours'))).toEqual(normalise(await rawAggregations.pauseHours(db)));
  expect(normalise(await table('recovery_hours'))).toEqual(normalise(await rawAggregations.recoveryHours(db)));
  expect(normalise(await table('retry_hours'))).toEqual(normalise(await rawAggregations.retryHours(db)));
  expect(normalise(await table('session_hours'))).toEqual(normalise(await rawAggregations.sessionHours(db)));
  // The daily twins against the raw rows aggregated by UTC day (not against the hourly tables they are summed from).
  const days = (name: string) => queryRows(db, sql.raw(`SELECT * FROM ${name}`)).then((rows) => rows.map(({ day, ...r }) => ({ hour: day, ...r })));
  expect(normalise(await days('tool_execution_days'))).toEqual(normalise(await rawAggregations.toolDays(db)));
  expect(normalise(await days('intervention_days'))).toEqual(normalise(await rawAggregations.pauseDays(db)));
  expect(normalise(await days('recovery_days'))).toEqual(normalise(await rawAggregations.recoveryDays(db)));
  expect(normalise(await days('retry_days'))).toEqual(normalise(await rawAggregations.retryDays(db)));
  expect(normalise(await days('session_days'))).toEqual(normalise(await rawAggregations.sessionDays(db)));
  expect(normalise(await table('usage_hours'))).toEqual(normalise(await rawAggregations.usageHours(db)));
  expect(normalise(await days('usage_days'))).toEqual(normalise(await rawAggregations.usageDays(db)));
}

const pick = <T,>(rng: Rng, xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
const at = (rng: Rng, spanHours: number) => new Date(now - rng() * spanHours * HOUR).toISOString();

async function insertTools(db: Db, rng: Rng, n: number, spanHours = 240) {
  const values = Array.from({ length: n }, () => {
    const ok = rng() < 0.8;
    const sat = rng() < 0.3 ? 1 + Math.floor(rng() * 5) : null;
    return sql`(${pick(rng, ['u1', 'u2', 'u3', 'u4'])}, ${pick(rng, ['search', 'code', 'fetch', 'shell'])}, ${ok},
      ${Math.floor(Math.exp(rng() * 12))}, ${ok ? null : 'boom'}, ${sat}, ${at(rng, spanHours)}::timestamptz)`;
  });
  await db.execute(sql`INSERT INTO user_tool_history (user_id, tool_name, success, execution_time_ms, error_message,
    user_satisfaction, created_at) VALUES ${sql.join(values, sql`, `)}`);
}

async function insertSessionsWithHistory(db: Db, rng: Rng, sessions: number) {
  const pauseTypes = ['retry_limit', 'blocker', 'error', 'timeout', 'manual', 'budget'];
  for (let s = 0; s < sessions; s++) {
    const id = randomUUID();
    const startedAt = new Date(now - (rng() * 200 + 1) * HOUR);
    const ended = rng() < 0.5 ? new Date(startedAt.getTime() + rng() * 20 * HOUR).toISOString() : null;
    await db.execute(sql`INSERT INTO agent_sessions (id, project, agent_name, external_id, started_at, ended_at)
      VALUES (${id}, 'p', 'a', ${id}, ${startedAt.toISOString()}::timestamptz, ${ended}::timestamptz)`);
    const cp = randomUUID();
    await db.execute(sql`INSERT INTO session_checkpoints (id, session_id, sequence, checkpoint_type, conversation_history)
      VALUES (${cp}, ${id}, 1, 'manual', '[]'::jsonb)`);
    for (let p = 0; p < 6; p++) {
      const open = p === 5 && rng() < 0.5;
      const pausedAt = new Date(now - (rng() * 200 + 1) * HOUR);
      const resolvedAt = new Date(pausedAt.getTime() + rng() * 5 * HOUR);
      const resolution = pick(rng, ['resumed', 'restored', 'aborted']);
      await db.execute(sql`INSERT INTO paused_sessions (session_id, reason, pause_type, paused_at, resolved, resolved_at, resolution)
        VALUES (${id}, 'r', ${pick(rng, pauseTypes)}, ${pausedAt.toISOString()}::timestamptz, ${!open},
          ${open ? null : resolvedAt.toISOString()}::timestamptz, ${open ? null : resolution})`);
    }
    for (let r = 0; r < 4; r++) {
      const started = new Date(now - rng() * 200 * HOUR);
      const status = r === 3 && rng() < 0.5 ? 'in_progress' : pick(rng, ['succeeded', 'failed', 'abandoned']);
      const secs = Math.round(rng() * 600_000) / 1000;
      await db.execute(sql`INSERT INTO checkpoint_recoveries (checkpoint_id, session_id, recovery_method, recovery_status,
          started_at, completed_at, recovery_duration_seconds)
        VALUES (${cp}, ${id}, ${pick(rng, ['manual', 'automatic'])}, ${status}, ${started.toISOString()}::timestamptz,
          ${status === 'in_progress' ? null : new Date(started.getTime() + secs * 1000).toISOString()}::timestamptz,
          ${status === 'in_progress' ? null : secs})`);
    }
  }
}

async function insertRetries(db: Db, rng: Rng, n: number) {
  for (let i = 0; i < n; i++) {
    const minute = new Date(Math.floor((now - rng() * 100 * HOUR) / 60_000) * 60_000).toISOString();
    await db.execute(sql`INSERT INTO db_retry_log (minute, operation, error_class, retries, recovered, failed)
      VALUES (${minute}::timestamptz, ${pick(rng, ['select', 'insert'])}, ${pick(rng, ['serialization', 'connection'])},
        ${1 + Math.floor(rng() * 5)}, ${Math.floor(rng() * 3)}, ${Math.floor(rng() * 2)})
      ON CONFLICT (minute, operation, error_class) DO UPDATE SET retries = db_retry_log.retries + excluded.retries,
        recovered = db_retry_log.recovered + excluded.recovered, failed = db_retry_log.failed + excluded.failed`);
  }
}

describeEachDb('roll-ups', (t) => {
  it('equal the raw aggregation after inserts, late rows, updates and deletes, and after a rebuild', async () => {
    const db = t().db;
    const rng = seededRng(42);
    await insertTools(db, rng, 300);
    await insertTools(db, rng, 200);
    await insertSessionsWithHistory(db, rng, 6);
    await insertRetries(db, rng, 60);

    const first = await refreshRollups(db);
    expect(first.ok && first.hours.tool).toBeGreaterThan(0);
    await expectRollupsEqualRaw(db);
    const [tools] = await queryRows<{ n: number }>(db, sql`SELECT sum(executions)::int AS n FROM tool_execution_hours`);
    expect(Number(tools.n)).toBe(500);

    // Late rows far in the past, satisfaction set later, deletions, resolutions, completions, retry upserts.
    await insertTools(db, rng, 50, 2000);
    await db.execute(sql`UPDATE user_tool_history SET user_satisfaction = 5 WHERE id % 7 = 0`);
    await db.execute(sql`DELETE FROM user_tool_history WHERE id % 11 = 0`);
    await db.execute(sql`UPDATE paused_sessions SET resolved = true, resolved_at = now(), resolution = 'resumed' WHERE NOT resolved`);
    await db.execute(sql`UPDATE checkpoint_recoveries SET recovery_status = 'succeeded', completed_at = now(),
      recovery_duration_seconds = 12.5 WHERE recovery_status = 'in_progress'`);
    await db.execute(sql`DELETE FROM agent_sessions WHERE id = (SELECT id FROM agent_sessions ORDER BY id LIMIT 1)`);
    await insertRetries(db, rng, 30);
    await db.execute(sql`UPDATE agent_sessions SET last_heartbeat_at = now()`);
    await db.execute(sql`UPDATE agent_sessions SET ended_at = now(), status = 'completed' WHERE ended_at IS NULL`);
    await refreshRollups(db);
    await expectRollupsEqualRaw(db);

    // Nothing pending: a second refresh does nothing; a rebuild gives the same tables.
    const idle = await refreshRollups(db);
    expect(idle).toMatchObject({ ok: true, marks: 0 });
    await db.execute(sql`DELETE FROM tool_execution_hours`);
    await db.execute(sql`DELETE FROM intervention_days`);
    await rebuildRollups(db);
    await expectRollupsEqualRaw(db);
  });

});
