import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A second `next start` of the production build the suite runs on, with an environment the test chooses (the
 * suite's own server is configured once in scripts/e2e-server.ts). Only what the test passes is set: nothing
 * leaks in from the shell that runs the suite.
 */
export type NextProcess = {
  port: number;
  url: string;
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code; bounded by `timeoutMs`, after which the process is killed and -1 returned. */
  exited(timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** `vars` may depend on the port the server gets (e.g. its own public URL). */
export async function startNext(vars: Record<string, string> | ((port: number) => Record<string, string>)): Promise<NextProcess> {
  const port = await freePort();
  if (typeof vars === 'function') vars = vars(port);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fd-e2e-next-'));
  const out = { stdout: '', stderr: '' };
  const child = spawn(path.resolve('node_modules/.bin/next'), ['start', '-p', String(port)], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      PGLITE_DATA_DIR: path.join(dataDir, 'pglite'),
      ...vars,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exit = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 0))));
  const exited = (timeoutMs: number) =>
    Promise.race([exit, new Promise<number>((resolve) => setTimeout(() => resolve(-1), timeoutMs))]).then((code) => {
      if (code === -1) child.kill('SIGKILL');
      return code;
    });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => ({ ...out }),
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited(10_000);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until /api/health answers 200 (migrated, ready), at most `timeoutMs`; fails with the server's output. */
export async function waitUntilReady(p: NextProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null) break;
    const ok = await fetch(`${p.url}/api/health`, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  const { stdout, stderr } = p.output();
  throw new Error(`next start on :${p.port} did not become ready\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
}
