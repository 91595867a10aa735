import { execSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * CPU and process-tree readings from /proc (Linux), for the benchmarks that put a server's CPU beside its floor:
 * bench:pages, bench:ingest and bench:fleet.
 */
const TICK_MS = 1000 / Number(execSync('getconf CLK_TCK').toString().trim() || 100);

/** utime + stime of one /proc stat line, in ms (fields 14 and 15; the command name in brackets may hold spaces). */
function statCpuMs(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] = state (field 3)
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

const read = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null; // the process ended
  }
};

/** `pid` and every process under it, from each thread's `children` list (no scan of all of /proc). */
export function treePids(pid: number): number[] {
  const out = [pid];
  let tasks: string[] = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out; // ended
  }
  for (const task of tasks) {
    const children = read(`/proc/${pid}/task/${task}/children`)?.trim();
    for (const c of children ? children.split(' ') : []) out.push(...treePids(Number(c)));
  }
  return out;
}

/** utime + stime (ms) of `pid` and all its descendants (`next start` runs the server in a child process). */
export function treeCpuMs(pid: number): number {
  return treePids(pid).reduce((sum, p) => {
    const stat = read(`/proc/${p}/stat`);
    return sum + (stat ? statCpuMs(stat) : 0);
  }, 0);
}

/**
 * The busiest JavaScript thread under `pid` (ms): each process's main thread (/proc/<p>/task/<p>/stat, the thread
 * that runs its JavaScript; GC helpers, zlib and the other libuv threads are separate tasks), the largest of the tree
 * — the server's. Requests queue on that one thread: with R readers back to back its CPU per view bounds the p50.
 */
export function mainThreadCpuMs(pid: number): number {
  return Math.max(0, ...treePids(pid).map((p) => {
    const stat = read(`/proc/${p}/task/${p}/stat`);
    return stat ? statCpuMs(stat) : 0;
  }));
}

/** utime + stime (ms) of every process with this command name (`postgres`: the server's backends and workers). */
export function commandCpuMs(name: string): number {
  let ms = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (stat && stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === name) ms += statCpuMs(stat);
  }
  return ms;
}
