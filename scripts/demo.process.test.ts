import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoUsers } from '@/lib/auth/demo-users';
import { assertPortFree } from './demo-processes';

/**
 * `npm run demo` as a process: what a second start on a taken port prints, and that every signal which ends the
 * demo ends the console and the simulator too. The signal tests start the real console, so they need a production
 * build (`npm test` builds before the unit tests); without `.next/BUILD_ID` they are skipped, except on CI, where a
 * missing build fails them instead of hiding them.
 * Every wait here is bounded.
 */
const root = path.resolve(import.meta.dirname, '..');
const built = fs.existsSync(path.join(root, '.next', 'BUILD_ID')) || process.env.CI === 'true';
const started: ChildProcess[] = [];
const dirs: string[] = [];

function demoEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DATA_DIR: path.join(dataDir, 'pglite'), NEXT_TELEMETRY_DISABLED: '1', DATABASE_URL: '' };
  // The demo's own environment, not vitest's test settings (NODE_ENV=test, BACKGROUND_JOBS=0, LOG_LEVEL=silent).
  for (const key of ['NODE_ENV', 'LOG_LEVEL', 'BACKGROUND_JOBS']) Reflect.deleteProperty(env, key);
  return env;
}

/** A free port from 3235 up (other worktrees' demos and suites may hold some of them). */
async function freePort() {
  for (let port = 3235; port < 3300; port++) {
    if (await assertPortFree(port).then(() => true, () => false)) return port;
  }
  throw new Error('no free port in 3235-3299');
}

function tempDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fd-demo-'));
  dirs.push(d);
  return d;
}

/** Starts a command as a terminal would start a job: in its own process group. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out, exited };
}

function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function until(ms: number, what: string, check: () => boolean) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every process descended from `pid`, read from /proc (the demo's children run in process groups of their own). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [child, parent] of parents) {
      if (parent === p && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    // A zombie has exited; only its parent has not collected it yet.
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Processes a test saw in the demo's tree: whatever is still alive afterwards is killed, so a failure leaks nothing. */
const seen: number[] = [];

afterEach(() => {
  for (const c of started.splice(0)) if (c.pid) seen.push(c.pid, ...descendants(c.pid));
  for (const pid of seen.splice(0).filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('npm run demo, as a process', () => {
  it('a second demo on a taken port exits non-zero with one clear line, before seeding or printing log-ins', async () => {
    const port = await freePort();
    // The first demo's server, answering /api/health as Flightdeck does.
    const first = http.createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
    await new Promise<void>((r) => first.listen(port, r));
    try {
      const dataDir = tempDir();
      const second = run(path.join(root, 'node_modules/.bin/tsx'), ['scripts/demo.ts', '--no-build', '--port', String(port)], demoEnv(dataDir));
      const code = await within(60_000, 'the second demo to exit', second.exited);
      expect(code).not.toBe(0);
      const lines = second.out.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^error: port ${port} is already in use.*npm run demo -- --port \\d+$`));
      for (const u of demoUsers) {
        expect(second.out.stdout).not.toContain(u.email);
        expect(second.out.stdout).not.toContain(u.password);
      }
      expect(second.out.stdout).not.toMatch(/running|Seeded/);
      expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(false);
    } finally {
      await new Promise((r) => first.close(r));
    }
  });

  it('--logins prints the log-ins again and exits, without touching the port or the data', async () => {
    const dataDir = tempDir();
    const again = run(path.join(root, 'node_modules/.bin/tsx'), ['scripts/demo.ts', '--logins'], demoEnv(dataDir));
    expect(await within(60_000, 'demo --logins to exit', again.exited)).toBe(0);
    for (const u of demoUsers) expect(again.out.stdout).toMatch(new RegExp(`${u.role}\\s+${u.email.replace('.', '\\.')}\\s+${u.password}`));
    expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(false);
  });

  const signals: { name: string; send: (npmPid: number) => void }[] = [
    { name: 'SIGTERM to npm (a process manager, `kill <pid>`)', send: (pid) => process.kill(pid, 'SIGTERM') },
    { name: 'SIGHUP to npm', send: (pid) => process.kill(pid, 'SIGHUP') },
    { name: 'SIGINT to the whole job (Ctrl-C in a terminal)', send: (pid) => process.kill(-pid, 'SIGINT') },
  ];
  for (const s of signals) {
    it.skipIf(!built)(`${s.name} ends the console and the simulator and frees the port`, async () => {
      const dataDir = tempDir();
      const port = await freePort();
      const demo = run('npm', ['run', 'demo', '--', '--no-build', '--port', String(port), '--agents', '2'], demoEnv(dataDir));
      await until(150_000, 'the demo to print its log-ins', () => demo.out.stdout.includes(demoUsers.at(-1)!.email) || demo.child.exitCode !== null);
      expect(demo.out.stdout).toContain(`Flightdeck is running: http://localhost:${port}`);
      const npmPid = demo.child.pid!;
      const tree = descendants(npmPid);
      seen.push(...tree);
      // npm, sh, tsx, the demo script, next-server, the simulator's tsx and node (and esbuild services).
      expect(tree.length).toBeGreaterThanOrEqual(5);
      await expect(assertPortFree(port)).rejects.toThrow(/already in use/);

      s.send(npmPid);
      await within(30_000, 'npm to exit', demo.exited);
      await until(20_000, `every process of the demo to end (left: ${tree.filter(alive).join(', ')})`, () => !tree.some(alive));
      await expect(assertPortFree(port)).resolves.toBeUndefined();
      expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
    }, 240_000);
  }
});
