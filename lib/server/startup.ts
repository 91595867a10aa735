import { ensureFirstAdmin } from '@/lib/auth/users';
import { getDbHandle } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { describeStartupError } from '@/lib/db/startup';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { startBackgroundJobs } from './jobs';

/**
 * Server start-up (from instrumentation.ts): validate configuration, connect, migrate under the advisory lock,
 * create the first admin from the environment, start background jobs. Any failure ends the process with one
 * clear line instead of serving a half-working console.
 */
export async function startServer() {
  try {
    const e = env();
    const handle = await getDbHandle();
    const result = await migrate(handle.db);
    if (result.applied.length) log().info({ migrations: result.applied }, `applied migrations: ${result.applied.join(', ')}`);
    if (await ensureFirstAdmin(handle.db, e.FLIGHTDECK_ADMIN_EMAIL, e.FLIGHTDECK_ADMIN_PASSWORD)) {
      log().info(`created the first admin ${e.FLIGHTDECK_ADMIN_EMAIL}`);
    }
    if (e.BACKGROUND_JOBS) startBackgroundJobs(handle.db);
    log().info(`ready on ${handle.label}`);
  } catch (err) {
    log().fatal(`cannot start: ${describeStartupError(err)}`);
    process.exit(1);
  }
}
