// Runs once when the Next.js server starts: migrations, first admin, background jobs (lib/server/startup.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    // Before the first request: records each request's TCP peer for lib/http/request-meta.ts.
    const { installPeerAddressStamp } = await import('./lib/http/request-meta');
    installPeerAddressStamp();
    const { startServer } = await import('./lib/server/startup');
    await startServer();
    // After start-up has checked the configuration (a bad one ends the process there, in one line) and after the
    // stamp (its subscriber runs first): the agent API's hot calls around Next's pipeline.
    const { installAgentFastPath } = await import('./app/api/v1/fast-routes');
    installAgentFastPath();
    const [{ installKeepAlive }, { env }] = await Promise.all([import('./lib/http/keep-alive'), import('./lib/env')]);
    installKeepAlive(env().HTTP_KEEP_ALIVE_TIMEOUT_S * 1000);
  }
}
