import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';

/**
 * Process plumbing for `npm run demo`. Each child runs in its own process group (`detached`), so a Ctrl-C in the
 * terminal reaches only the demo script, and the script can end a child together with everything the child
 * started (tsx → node, next start → next-server) by signalling the group. Ending is bounded: SIGTERM, then SIGKILL
 * after a grace period.
 */

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    suggestion?: number,
  ) {
    super(
      `port ${port} is already in use (another Flightdeck demo or server?); stop it or choose another port: ` +
        `npm run demo -- --port ${suggestion ?? port + 1}`,
    );
    this.name = 'PortInUseError';
  }
}

function probe(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    });
    server.once('listening', () => server.close(() => resolve(true)));
    server.listen(port);
  });
}

/**
 * Resolves when nothing listens on `port` (on any address, as `next start` binds); otherwise rejects with a
 * PortInUseError that suggests the next free port.
 */
export async function assertPortFree(port: number): Promise<void> {
  if (await probe(port)) return;
  let suggestion: number | undefined;
  for (let p = port + 1; p <= Math.min(port + 20, 65535) && suggestion === undefined; p++) if (await probe(p)) suggestion = p;
  throw new PortInUseError(port, suggestion);
}

export type GroupChild = { name: string; child: ChildProcess; exited: Promise<number | null> };

export function spawnGroup(name: string, command: string, args: string[], options: SpawnOptions): GroupChild {
  const child = spawn(command, args, { ...options, detached: true });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : null)));
    child.once('error', () => resolve(null));
  });
  return { name, child, exited };
}

function signalNumber(signal: NodeJS.Signals) {
  return os.constants.signals[signal];
}

function groupAlive(pid: number) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** SIGTERM to each child's group, SIGKILL to what is left after `graceMs`; resolves when every group is empty. */
export async function stopGroups(children: GroupChild[], graceMs = 8_000) {
  const pids = children.map((c) => c.child.pid).filter((p): p is number => typeof p === 'number');
  for (const pid of pids) signalGroup(pid, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (pids.some(groupAlive) && Date.now() < until) await sleep(100);
  for (const pid of pids.filter(groupAlive)) signalGroup(pid, 'SIGKILL');
  const killDeadline = Date.now() + 2_000;
  while (pids.some(groupAlive) && Date.now() < killDeadline) await sleep(50);
}

function parentOf(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces or parentheses, so split after the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/**
 * Calls `onGone` once when the process that started us goes away. `npm run demo` is npm → sh → tsx → this script:
 * npm passes SIGINT and SIGTERM to sh only (which dies without passing them on) and SIGHUP to nobody, so a
 * `kill <npm pid>` used to leave tsx and this script running. The chain of ancestors in our process group is
 * recorded at start and checked every second;
 * when one of them is re-parented or gone, the demo was ended from outside. Linux (/proc) only; elsewhere only
 * our own parent is watched.
 */
export function watchAncestors(onGone: () => void): () => void {
  const chain: [number, number][] = [];
  let pid = process.pid;
  for (let depth = 0; depth < 4; depth++) {
    const parent = parentOf(pid);
    if (!parent || parent <= 1 || !inOurGroup(parent)) break;
    chain.push([pid, parent]);
    pid = parent;
  }
  const firstParent = process.ppid;
  const timer = setInterval(() => {
    const broken = process.ppid !== firstParent || chain.some(([child, parent]) => parentOf(child) !== parent);
    if (broken) {
      clearInterval(timer);
      onGone();
    }
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}

function groupOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return null;
  }
}

function inOurGroup(pid: number) {
  const ours = groupOf(process.pid);
  return ours !== null && groupOf(pid) === ours;
}

export function sleep(ms: number) {
  return new Promise<void>((r) => setTimeout(r, ms));
}
