// Runs once when the Next.js server starts: migrations, first admin, background jobs (lib/server/startup.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startServer } = await import('./lib/server/startup');
    await startServer();
  }
}
