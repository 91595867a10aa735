import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/**
 * `next start` of the production build for a benchmark: its own database, no background jobs, quiet log. Resolves
 * once `readyPath` answers 2xx (60 s bound); the caller kills the returned process.
 */
export async function startBenchServer(opts: {
  port: number;
  dbUrl: string;
  readyPath: string;
  /** Node flags for the server (e.g. `--cpu-prof`, which Node refuses in NODE_OPTIONS). */
  nodeFlags?: string[];
}): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, [...(opts.nodeFlags ?? []), path.resolve('node_modules/next/dist/bin/next'), 'start', '-p', String(opts.port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: opts.dbUrl,
      PORT: String(opts.port),
      APP_URL: `http://localhost:${opts.port}`,
      BETTER_AUTH_SECRET: randomBytes(32).toString('hex'),
      BACKGROUND_JOBS: '0',
      LOG_LEVEL: 'warn',
    },
  });
  const url = `http://localhost:${opts.port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${url}${opts.readyPath}`).then((r) => r.ok, () => false)) break;
    if (i > 120) {
      server.kill('SIGTERM');
      throw new Error('the server did not start within 60 s (is there a build? run: npx next build)');
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { server, url };
}

/** SIGTERM, then waits for the exit (15 s bound) so that a `--cpu-prof` server writes its profile. */
export async function stopBenchServer(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const t = setTimeout(() => server.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(t);
}
