import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import * as schema from './schema';
import { queryRows } from './client';
import { migrate, MigrationError, readMigrations } from './migrate';
import { createTestDatabase, describeEachDb, driverError, testDbKinds } from '@/lib/test/db';

describeEachDb('migrations', (t) => {
  it('create every table and view of the spec', async () => {
    const rows = await queryRows<{ name: string }>(
      t().db,
      sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    const names = rows.map((r) => r.name);
    for (const expected of [
      'agent_sessions',
      'paused_sessions',
      'intervention_actions',
      'notification_preferences',
      'session_checkpoints',
      'checkpoint_recoveries',
      'execution_events',
      'user_tool_history',
      'usage_records',
      'db_retry_log',
      'deployment_checklists',
      'checklist_items',
      'checklist_signoffs',
      'audit_log',
      'v_active_interventions',
      'v_intervention_history',
      'v_latest_checkpoints',
      'v_resumable_checkpoints',
      'v_checkpoint_recovery_history',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('leave exactly the indexes the Drizzle schema declares (a dropped or added index changes both)', async () => {
    const declared = Object.values(schema)
      .filter((v) => is(v, PgTable))
      .flatMap((table) => getTableConfig(table).indexes.map((i) => i.config.name))
      .sort();
    // Indexes of their own, not the ones behind a primary key, unique or exclusion constraint.
    const rows = await queryRows<{ name: string }>(
      t().db,
      sql`SELECT c.relname AS name FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public'
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
             AND NOT c.relispartition`,
    );
    expect(rows.map((r) => r.name).sort()).toEqual(declared);
    expect(declared).not.toContain('idx_user_tool_history_metrics');
  });

  it('are idempotent: a second run applies nothing', async () => {
    const again = await migrate(t().db);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(readMigrations().length);
  });

  it('refuse a bad enum value with a CHECK constraint', async () => {
    const err = await driverError(
      t().db.execute(sql`INSERT INTO agent_sessions (project, agent_name, status) VALUES ('p', 'a', 'sleeping')`),
    );
    expect(err.code).toBe('23514');
    expect(err.message).toContain('agent_sessions_status_check');
  });

  it('keep audit_log append-only', async () => {
    await t().db.execute(
      sql`INSERT INTO audit_log (actor_type, action, outcome) VALUES ('system', 'test.append', 'success')`,
    );
    expect((await driverError(t().db.execute(sql`UPDATE audit_log SET action = 'x'`))).message).toMatch(/append-only/);
    expect((await driverError(t().db.execute(sql`DELETE FROM audit_log`))).message).toMatch(/append-only/);
  });
});

describe('a failing migration', () => {
  for (const kind of testDbKinds()) {
    it(`names the migration and changes nothing [${kind}]`, async () => {
      const fresh = await createTestDatabase(kind);
      try {
        const good = readMigrations();
        const broken = [
          ...good,
          { tag: '9999_broken', hash: 'x', statements: ['CREATE TABLE should_not_exist (id int)', 'SELECT * FROM nope'] },
        ];
        // Start from an empty schema so that both the good and the broken migrations are pending.
        await fresh.db.execute(sql`DROP SCHEMA public CASCADE`);
        await fresh.db.execute(sql`CREATE SCHEMA public`);
        const err = await migrate(fresh.db, { migrations: broken }).catch((e) => e);
        expect(err).toBeInstanceOf(MigrationError);
        expect(err.message).toContain('9999_broken');
        expect(err.message).toContain('database is unchanged');
        const tables = await queryRows<{ n: number }>(
          fresh.db,
          sql`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`,
        );
        expect(tables[0].n).toBe(0);
      } finally {
        await fresh.destroy();
      }
    });
  }
});

describe('two instances starting at once', () => {
  it.runIf(Boolean(process.env.TEST_DATABASE_URL))('migrate a fresh Postgres database exactly once', async () => {
    const fresh = await createTestDatabase('postgres');
    try {
      await fresh.db.execute(sql`DROP SCHEMA public CASCADE`);
      await fresh.db.execute(sql`CREATE SCHEMA public`);
      await fresh.db.execute(sql`DROP TABLE IF EXISTS flightdeck_migrations`);
      const { createDb } = await import('./client');
      const a = await createDb({ url: fresh.url });
      const b = await createDb({ url: fresh.url });
      try {
        const [ra, rb] = await Promise.all([migrate(a.db), migrate(b.db)]);
        const total = readMigrations().length;
        expect([ra.applied.length, rb.applied.length].sort()).toEqual([0, total]);
        const rows = await queryRows<{ n: number }>(fresh.db, sql`SELECT count(*)::int AS n FROM flightdeck_migrations`);
        expect(rows[0].n).toBe(total);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    } finally {
      await fresh.destroy();
    }
  });
});
