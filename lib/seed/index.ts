import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { ensureEventPartitionsBetween } from '@/lib/events/partitions';
import { seedDemo } from './demo';
import { seedLarge, xlargeTargets, type LargeResult, type LargeTargets } from './large';

/** `xlarge` (issue 18.5): 1M sessions, 10M events, 5M tool executions — Postgres only in practice (tens of minutes). */
export const seedScales = ['demo', 'large', 'xlarge'] as const;
export type SeedScale = (typeof seedScales)[number];

export type SeedOptions = {
  scale: SeedScale;
  /** Add to a database that already has sessions (ids and external ids are offset so nothing collides). */
  force?: boolean;
  /** Timestamps are placed relative to this, so the data always looks recent. */
  now?: Date;
  log?: (line: string) => void;
  /**
   * The database is the embedded PGlite: one in-process connection, so none of the retries the data layer records
   * (lost connections, deadlocks, serialization failures) can happen, and none are seeded.
   */
  embedded?: boolean;
  /** large / xlarge: other row counts of the same shapes (tests seed xlarge's proportions at a small size). */
  targets?: LargeTargets;
};

export type SeedResult =
  | { ok: true; scale: SeedScale; elapsedMs: number; counts: TableCounts; benchmark?: LargeResult['benchmark'] }
  | { ok: false; reason: 'not_empty'; sessions: number };

export const seededTables = [
  'agent_sessions',
  'paused_sessions',
  'intervention_actions',
  'session_checkpoints',
  'checkpoint_recoveries',
  'execution_events',
  'user_tool_history',
  'usage_records',
  'db_retry_log',
  'deployment_checklists',
  'checklist_items',
  'checklist_signoffs',
] as const;

export type TableCounts = Record<(typeof seededTables)[number], number>;

export async function countSeededRows(db: Db): Promise<TableCounts> {
  const select = seededTables.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ');
  const [row] = await queryRows<Record<string, number>>(db, sql.raw(`SELECT ${select}`));
  return Object.fromEntries(seededTables.map((t) => [t, Number(row[t])])) as TableCounts;
}

async function countSessions(db: Db): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM agent_sessions`);
  return Number(row.n);
}

/**
 * Fills the database with generated data of the given scale. Refuses (`not_empty`) when sessions exist, unless
 * `force`: seeding is for fresh databases, and adding thousands of fake sessions to a real one is rarely meant.
 */
export async function seed(db: Db, options: SeedOptions): Promise<SeedResult> {
  const log = options.log ?? (() => {});
  const existing = await countSessions(db);
  if (existing > 0 && !options.force) return { ok: false, reason: 'not_empty', sessions: existing };
  const started = Date.now();
  const now = options.now ?? new Date();
  // With --force the existing count salts ids and external ids, so a second run adds instead of colliding.
  const salt = existing;
  // The seeds write up to 30 days back: their months get partitions first, so no event waits in the default one.
  await ensureEventPartitionsBetween(db, new Date(now.getTime() - 35 * 86_400_000), now);
  let benchmark: LargeResult['benchmark'] | undefined;
  if (options.scale === 'demo') await seedDemo(db, { now, salt, log, embedded: options.embedded ?? false });
  else {
    const targets = options.targets ?? (options.scale === 'xlarge' ? xlargeTargets : undefined);
    benchmark = (await seedLarge(db, { now, salt, log, embedded: options.embedded ?? false, targets })).benchmark;
  }
  return { ok: true, scale: options.scale, elapsedMs: Date.now() - started, counts: await countSeededRows(db), benchmark };
}

/** For `npm run demo`: seed only a database without sessions; says whether it did. */
export async function seedIfEmpty(db: Db, scale: SeedScale = 'demo', options: Pick<SeedOptions, 'embedded'> = {}): Promise<SeedResult> {
  return seed(db, { scale, ...options });
}
