import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSessions } from '@/lib/sessions/queries';
import { makeSession } from '@/lib/test/factories';
import { findPgBin, findPgBouncer, startPgBouncer, startPgServer, type PgBouncer, type PgServer } from '@/lib/test/pg-server';
import { listToolUsers } from '@/lib/tools/stats';
import { createDb, queryRows, type DbHandle } from './client';
import { migrate } from './migrate';

/**
 * Which PgBouncer pool mode the app runs behind (README "Scaling out"), on Debian's pgbouncer in front of a private
 * server. The app's connections send statement_timeout and idle_in_transaction_session_timeout as startup
 * parameters (lib/db/client.ts), which PgBouncer refuses unless told to ignore them — and then they are not applied:
 * set them on the role instead. In session mode everything the app does works: migrations under advisory locks,
 * commands, named prepared statements (queryRows `prepare: true`), LISTEN/NOTIFY.
 */
const missing = !findPgBin() ? 'no initdb under /usr/lib/postgresql/*/bin' : !findPgBouncer() ? 'no pgbouncer (apt-get install pgbouncer)' : null;
if (missing) console.warn(`lib/db/pgbouncer.test.ts skipped: ${missing}`);

const TIMEOUTS = ['statement_timeout', 'idle_in_transaction_session_timeout'];

describe.skipIf(Boolean(missing))('behind PgBouncer', () => {
  let server: PgServer;
  const bouncers: PgBouncer[] = [];
  const handles: DbHandle[] = [];
  const cleanup = () => {
    for (const b of bouncers) b.destroy();
    server?.destroy();
  };

  beforeAll(async () => {
    process.once('exit', cleanup);
    server = await startPgServer();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
    cleanup();
  }, 30_000);

  const connect = async (mode: 'session' | 'transaction', ignore?: string[]) => {
    const bouncer = await startPgBouncer(server, { mode, ignore });
    bouncers.push(bouncer);
    const handle = await createDb({ url: bouncer.url, poolMax: 4, metricsFlushMs: 0, instrument: false });
    handles.push(handle);
    return { bouncer, handle };
  };

  it('refuses the app as configured: its timeouts are startup parameters PgBouncer does not know', async () => {
    const { handle } = await connect('session');
    const err = await handle.db.execute(sql`SELECT 1`).then(() => null, (e: { cause?: Error }) => e.cause);
    expect(err?.message).toMatch(/unsupported startup parameter/);
  });

  it('session mode with ignore_startup_parameters runs migrations, commands, prepared reads and LISTEN; the timeouts are dropped', async () => {
    const { handle } = await connect('session', TIMEOUTS);
    await migrate(handle.db);
    const s = await makeSession(handle.db, { project: 'bouncer' });
    expect((await listSessions(handle.db, { project: 'bouncer' })).rows.map((r) => r.id)).toEqual([s.id]);
    // Named prepared statements past the fifth run (generic plans), on every pooled connection.
    for (let i = 0; i < 8; i++) await Promise.all([listToolUsers(handle.db), listToolUsers(handle.db)]);

    const heard = new Promise<string>((resolve) => void handle.sql!.listen('fd_bouncer', resolve));
    await new Promise((r) => setTimeout(r, 200));
    await handle.sql!.notify('fd_bouncer', 'hello');
    expect(await Promise.race([heard, new Promise((r) => setTimeout(() => r('(nothing within 5 s)'), 5000))])).toBe('hello');

    // Ignored means not applied: the server-side limits must come from the role (ALTER ROLE … SET statement_timeout).
    const [row] = await queryRows<{ statement_timeout: string }>(handle.db, sql`SHOW statement_timeout`);
    expect(row.statement_timeout).toBe('0');
  }, 30_000);
});
