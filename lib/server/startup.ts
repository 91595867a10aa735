import { describeStartupError } from '@/lib/db/startup';
import { assertProductionConfig, env } from '@/lib/env';
import { log } from '@/lib/log';

/**
 * Server start-up (from instrumentation.ts): validate configuration, connect, migrate under the advisory lock,
 * create the first admin from the environment, start background jobs. Any failure ends the process with one
 * clear line instead of serving a half-working console.
 *
 * Everything past the configuration check is imported here, inside the try: a module that reads env() while
 * it loads (the job table does) would otherwise throw before this catch, and Next.js would log it with a stack
 * and keep serving 500s.
 */
export async function startServer() {
  try {
    const e = env();
    assertProductionConfig(e);
    if (e.NODE_ENV === 'production' && e.APP_URL?.startsWith('http://') && !isLoopbackUrl(e.APP_URL)) {
      log().warn(`APP_URL is ${e.APP_URL}: session cookies are sent without Secure over plain HTTP`);
    }
    const [{ ensureFirstAdmin }, { getDbHandle }, { migrate }, { installDbObservability }, { startBackgroundJobs }] =
      await Promise.all([
        import('@/lib/auth/users'),
        import('@/lib/db/client'),
        import('@/lib/db/migrate'),
        import('@/lib/observability/install'),
        import('./jobs'),
      ]);
    // Before the first handle: it and every later one run behind the pool monitor (lib/db/observer.ts).
    installDbObservability();
    const handle = await getDbHandle();
    const result = await migrate(handle.db);
    if (result.applied.length) log().info({ migrations: result.applied }, `applied migrations: ${result.applied.join(', ')}`);
    if (await ensureFirstAdmin(handle.db, e.FLIGHTDECK_ADMIN_EMAIL, e.FLIGHTDECK_ADMIN_PASSWORD)) {
      log().info(`created the first admin ${e.FLIGHTDECK_ADMIN_EMAIL}`);
    }
    if (e.BACKGROUND_JOBS) startBackgroundJobs(handle.db);
    // A token revoked on another instance stops working here when its NOTIFY arrives (lib/auth/tokens.ts).
    const { listenForTokenRevocations } = await import('@/lib/auth/tokens');
    await listenForTokenRevocations(handle).catch((err) =>
      log().warn({ err }, 'LISTEN for token revocations failed: revocations from other instances take up to 5 s here'),
    );
    log().info(`ready on ${handle.label}`);
  } catch (err) {
    // One plain line on stderr, not through the logger: the logger reads the configuration that may be what failed.
    process.stderr.write(`[flightdeck] cannot start: ${describeStartupError(err)}\n`);
    process.exit(1);
  }
}

function isLoopbackUrl(url: string) {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}
