import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * One production app instance (`next start` of the existing build) for a fleet run (npm run soak, npm run
 * cluster): its own process group (so stopping it takes Next's workers too), its output appended to `logFile`,
 * started once /api/health answers 200 (a bound). `env` is added to this process's environment with
 * NODE_ENV=production and PORT set.
 */
export type AppProcess = { port: number; url: string; child: ChildProcess; stop(signal?: NodeJS.Signals): Promise<void> };

export async function startApp(opts: { port: number; env: Record<string, string>; logFile: string; readyWithinMs?: number }): Promise<AppProcess> {
  const url = `http://127.0.0.1:${opts.port}`;
  const out = fs.openSync(opts.logFile, 'a');
  const child = spawn(path.resolve('node_modules/.bin/next'), ['start', '-p', String(opts.port), '-H', '127.0.0.1'], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', PORT: String(opts.port), ...opts.env },
  });
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const app: AppProcess = {
    port: opts.port,
    url,
    child,
    async stop(signal = 'SIGKILL') {
      if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        return; // already gone
      }
      const bound = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }, 5_000);
      await exited;
      clearTimeout(bound);
    },
  };
  const until = Date.now() + (opts.readyWithinMs ?? 60_000);
  for (;;) {
    const up = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status === 200, () => false);
    if (up) return app;
    if (child.exitCode !== null) throw new Error(`next start on :${opts.port} exited with ${child.exitCode}; see ${opts.logFile}`);
    if (Date.now() > until) {
      await app.stop();
      throw new Error(`next start on :${opts.port} was not healthy within ${(opts.readyWithinMs ?? 60_000) / 1000} s; see ${opts.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
