import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from './client';

/**
 * Applies drizzle-kit's migrations from ./drizzle at start-up. All pending migrations run in one transaction
 * that first takes a transaction-scoped advisory lock, so N instances starting at once migrate exactly once
 * (the others wait on the lock, then find nothing to do) and a failing migration leaves the database as it was.
 */
const MIGRATIONS_LOCK_KEY = 7_304_110_421; // arbitrary, constant: "flightdeck migrations"

export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Migration ${migration} failed: ${reason}. No migration was applied; the database is unchanged.`, { cause });
    this.name = 'MigrationError';
  }
}

type Journal = { entries: { idx: number; tag: string; when: number }[] };

export type Migration = { tag: string; hash: string; statements: string[] };

export function readMigrations(folder = path.join(process.cwd(), 'drizzle')): Migration[] {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as Journal;
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map((entry) => {
      const text = fs.readFileSync(path.join(folder, `${entry.tag}.sql`), 'utf8');
      return {
        tag: entry.tag,
        hash: createHash('sha256').update(text).digest('hex'),
        statements: text
          .split('--> statement-breakpoint')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    });
}

export type MigrateResult = { applied: string[]; alreadyApplied: number };

export async function migrate(db: Db, options: { migrations?: Migration[] } = {}): Promise<MigrateResult> {
  const migrations = options.migrations ?? readMigrations();
  let current: string | undefined;
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATIONS_LOCK_KEY})`);
      await tx.execute(sql`CREATE TABLE IF NOT EXISTS flightdeck_migrations (
        tag text PRIMARY KEY,
        hash text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const done = new Set(
        (await queryRows<{ tag: string }>(tx as unknown as Db, sql`SELECT tag FROM flightdeck_migrations`)).map(
          (r) => r.tag,
        ),
      );
      const applied: string[] = [];
      for (const m of migrations) {
        if (done.has(m.tag)) continue;
        current = m.tag;
        for (const statement of m.statements) await tx.execute(sql.raw(statement));
        await tx.execute(sql`INSERT INTO flightdeck_migrations (tag, hash) VALUES (${m.tag}, ${m.hash})`);
        applied.push(m.tag);
      }
      return { applied, alreadyApplied: done.size };
    });
  } catch (err) {
    // Only a failing migration is a MigrationError; a connection failure is reported as itself.
    if (current) throw new MigrationError(current, err);
    throw err;
  }
}

/** Names of migrations present in ./drizzle but not applied (for /api/health). */
export async function pendingMigrations(db: Db, migrations = readMigrations()): Promise<string[]> {
  const rows = await queryRows<{ tag: string }>(
    db,
    sql`SELECT tag FROM flightdeck_migrations WHERE to_regclass('flightdeck_migrations') IS NOT NULL`,
  ).catch(() => [] as { tag: string }[]);
  const done = new Set(rows.map((r) => r.tag));
  return migrations.map((m) => m.tag).filter((t) => !done.has(t));
}
