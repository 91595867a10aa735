/**
 * The concurrent part of npm run bench:pages (issue 18): READERS signed-in readers (one user and session each) issue
 * full HTTP GETs of one console page at a time — cookie, proxy (CSP), session check, data, React render, the whole
 * streamed body read — for SECONDS each. Reported per page: p50 / p95 of the full request and the app's CPU per view
 * (utime + stime of `next start` and every process under it, from /proc/<pid>/stat, read before and after the
 * page's window, divided by the views completed in it), and what one view of the page sends (HTML and its inlined
 * Flight payload, uncompressed; scripts/bench-pages-sizes.ts), read once before the window.
 *
 * Floor, interleaved in the same run: /bench-floor (app/(console)/bench-floor/page.tsx, served only with
 * BENCH_FLOOR_ROUTE=1): the same console layout around a 50-row static table, no query of its own. It gets a
 * FLOOR_SECONDS window before the first page and after every page; its figures are those windows together.
 *
 * Bars (issue 18, never lowered here): p95 ≤ 150 ms; CPU per view ≤ 2 × the floor's.
 */
import type { BarResult } from './bench-results';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import fs from 'node:fs';
import os from 'node:os';
import { percentileOf } from '@/lib/observability/rolling-window';
import { pageSize } from './bench-pages-sizes';
import { commandCpuMs, mainThreadCpuMs, treeCpuMs } from './lib/proc';

export const LOAD_BARS = { p95Ms: 150, cpuVsFloor: 2 } as const;
export const FLOOR_PATH = '/bench-floor';

export type LoadRoute = { name: string; path: string };
export type LoadResult = {
  name: string;
  path: string;
  views: number;
  errors: string[];
  p50: number;
  p95: number;
  cpuMs: number;
  /**
   * The floor's CPU per view in the two windows either side of this page's (the one before and the one after it):
   * the page's ratio is taken against these, so a drift of the machine's speed over the run (the same code measured
   * 24 and 37 ms per view half an hour apart here) moves page and floor together. Unset for the floor itself.
   */
  floorCpuMs?: number;
  /** The server's JavaScript thread alone, per view (part of cpuMs). */
  mainMs: number;
  /** Postgres's CPU per view (every `postgres` process on the machine: backends, WAL writer, autovacuum). */
  pgCpuMs: number;
  /** This benchmark's own CPU per view (the 10 readers' fetch, gunzip and parsing), on the same cores. */
  clientCpuMs: number;
  load: string;
  size?: { html: number; rsc: number };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], q: number) => percentileOf([...xs].sort((a, b) => a - b), q) ?? NaN;
export const loadAvg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ');

/** Every `postgres` process on the machine: its backends and workers. */
const postgresCpuMs = () => commandCpuMs('postgres');

const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Signs a reader in through Better Auth's HTTP endpoint, as the sign-in page does; returns its cookie header. */
export async function signInOverHttp(base: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email}: HTTP ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (!cookies.some((c) => c.includes('session_token'))) throw new Error(`sign-in of ${email}: no session cookie`);
  return cookies.join('; ');
}

/**
 * One view over node:http (keep-alive, gzip accepted): request sent → last byte; the body is then gunzipped (which
 * throws on a truncated body) outside the timing. Node's fetch cost the readers 4–11 ms of CPU per view here (its web
 * streams handle every streamed chunk through promises), on the same two cores as the server; node:http costs a
 * fraction of that, so the readers take less from the server they measure.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function view(url: string, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = http.get(url, { agent, headers: { cookie, accept: 'text/html', 'accept-encoding': 'gzip' }, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const ms = performance.now() - t;
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}${res.headers.location ? ` → ${res.headers.location}` : ''}`));
        try {
          const body = Buffer.concat(chunks);
          if ((res.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).length === 0) throw new Error('empty body');
        } catch (err) {
          return reject(err);
        }
        resolve(ms);
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
  });
}

type Window = { times: number[]; errors: string[]; cpuMs: number; mainMs: number; pgCpuMs: number; clientCpuMs: number; views: number };

/** The app's processes: each instance's tree, and a proxy in front (nginx) whose CPU counts as the server's. */
type Servers = { serverPids: number[]; proxyPid?: number };
const serverCpu = (s: Servers) => s.serverPids.reduce((a, p) => a + treeCpuMs(p), 0) + (s.proxyPid ? treeCpuMs(s.proxyPid) : 0);
const serverMain = (s: Servers) => s.serverPids.reduce((a, p) => a + mainThreadCpuMs(p), 0);

/** Every reader requests `url` back to back for `seconds`; the server's CPU is read around the window. */
async function window(url: string, cookies: string[], seconds: number, servers: Servers): Promise<Window> {
  // Warm-up, not counted: one view per reader.
  await Promise.all(cookies.map((c) => view(url, c).catch(() => 0)));
  const times: number[] = [];
  const errors: string[] = [];
  const cpu0 = serverCpu(servers);
  const main0 = serverMain(servers);
  const pg0 = postgresCpuMs();
  const own0 = ownCpuMs();
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    cookies.map(async (cookie) => {
      while (performance.now() < end) {
        try {
          times.push(await view(url, cookie));
        } catch (err) {
          errors.push(err instanceof Error ? err.message : String(err));
          await sleep(100);
        }
      }
    }),
  );
  const cpuMs = serverCpu(servers) - cpu0;
  const mainMs = serverMain(servers) - main0;
  const pgCpuMs = postgresCpuMs() - pg0;
  const clientCpuMs = ownCpuMs() - own0;
  return { times, errors, cpuMs, mainMs, pgCpuMs, clientCpuMs, views: times.length + errors.length };
}

function summarise(name: string, path: string, ws: Window[]): LoadResult {
  const times = ws.flatMap((w) => w.times);
  const views = ws.reduce((s, w) => s + w.views, 0);
  const per = (k: 'cpuMs' | 'mainMs' | 'pgCpuMs' | 'clientCpuMs') => (views ? ws.reduce((s, w) => s + w[k], 0) / views : NaN);
  return {
    name,
    path,
    views,
    errors: ws.flatMap((w) => w.errors),
    p50: pct(times, 0.5),
    p95: pct(times, 0.95),
    cpuMs: per('cpuMs'),
    mainMs: per('mainMs'),
    pgCpuMs: per('pgCpuMs'),
    clientCpuMs: per('clientCpuMs'),
    load: loadAvg(),
  };
}

export async function runLoad(opts: { base: string; serverPids: number[]; proxyPid?: number; routes: LoadRoute[]; cookies: string[]; seconds: number; floorSeconds: number }) {
  const { base, routes, cookies, seconds, floorSeconds } = opts;
  const servers: Servers = { serverPids: opts.serverPids, proxyPid: opts.proxyPid };
  const instances = opts.serverPids.length;
  const floorWindows: Window[] = [await window(`${base}${FLOOR_PATH}`, cookies, floorSeconds, servers)];
  const pages: LoadResult[] = [];
  const floorSize = await pageSize(base, FLOOR_PATH, cookies[0]);
  for (const r of routes) {
    // What one view sends (uncompressed HTML and the Flight payload inlined in it), outside the measured window.
    const size = await pageSize(base, r.path, cookies[0]);
    const w = await window(`${base}${r.path}`, cookies, seconds, servers);
    pages.push({ ...summarise(r.name, r.path, [w]), size: { html: size.html, rsc: size.rsc } });
    floorWindows.push(await window(`${base}${FLOOR_PATH}`, cookies, floorSeconds, servers));
    const [before, after] = floorWindows.slice(-2);
    pages[pages.length - 1].floorCpuMs = (before.cpuMs + after.cpuMs) / Math.max(1, before.views + after.views);
    const last = pages[pages.length - 1];
    console.log(`  ${r.name}: ${last.views} views, p50 ${fmt(last.p50)} / p95 ${fmt(last.p95)} ms, CPU ${last.cpuMs.toFixed(1)} ms/view (JS thread ${last.mainMs.toFixed(1)}, Postgres ${last.pgCpuMs.toFixed(1)}, readers ${last.clientCpuMs.toFixed(1)}; CPU bound on the mean ${fmt(cpuBound(last, cookies.length, os.cpus().length, instances))} ms)${last.errors.length ? `, ${last.errors.length} errors (${last.errors[0]})` : ''}`);
  }
  const floor = { ...summarise('Floor: console layout + 50-row static table', FLOOR_PATH, floorWindows), size: { html: floorSize.html, rsc: floorSize.rsc } };
  console.log(`  floor: ${floor.views} views, p50 ${fmt(floor.p50)} / p95 ${fmt(floor.p95)} ms, CPU ${floor.cpuMs.toFixed(1)} ms/view (JS thread ${floor.mainMs.toFixed(1)}, Postgres ${floor.pgCpuMs.toFixed(1)}, readers ${floor.clientCpuMs.toFixed(1)}; CPU bound on the mean ${fmt(cpuBound(floor, cookies.length, os.cpus().length, instances))} ms)`);
  return { pages, floor };
}

const fmt = (ms: number) => (Number.isFinite(ms) ? Math.round(ms).toString() : '—');

/** A page's CPU per view over the floor's in the windows either side of it (the run's whole floor if unset). */
export const vsFloor = (r: LoadResult, floor: LoadResult) => r.cpuMs / (r.floorCpuMs ?? floor.cpuMs);

/**
 * The least mean response time the measured CPU allows (Little's law for `readers` back-to-back readers: the mean is
 * readers ÷ throughput, and throughput is at most 1 ÷ the JS thread's time per view and at most cores ÷ the CPU a
 * view costs on the machine — server, Postgres and readers together). A mean above the bar is a machine limit, not a
 * queue that better scheduling would shorten.
 */
export function cpuBound(r: Pick<LoadResult, 'mainMs' | 'cpuMs' | 'pgCpuMs' | 'clientCpuMs'>, readers: number, cores = os.cpus().length, instances = 1): number {
  // With K instances the JS threads share the views: K of them at most run at once.
  return readers * Math.max(r.mainMs / instances, (r.cpuMs + r.pgCpuMs + r.clientCpuMs) / cores);
}

/** The verdict of one page against the bars; a miss names its figure and the load average at the time. */
export function verdict(r: LoadResult, floor: LoadResult, bound?: number) {
  const machine = bound !== undefined && bound > LOAD_BARS.p95Ms ? ` (the CPU bound on the mean is ${fmt(bound)} ms here)` : '';
  const misses = [
    r.errors.length > 0 && `${r.errors.length} failed views (${r.errors[0]})`,
    !(r.p95 <= LOAD_BARS.p95Ms) && `p95 ${fmt(r.p95)} ms > ${LOAD_BARS.p95Ms}${machine}`,
    !(vsFloor(r, floor) <= LOAD_BARS.cpuVsFloor) && `CPU ${vsFloor(r, floor).toFixed(2)}× the floor > ${LOAD_BARS.cpuVsFloor}×`,
  ].filter(Boolean);
  return misses.length ? `MISS: ${misses.join('; ')} (load average ${r.load})` : 'met';
}

export function loadTable(res: { pages: LoadResult[]; floor: LoadResult }, readers: number, seconds: number, floorSeconds: number, instances = 1) {
  const bound = (r: LoadResult) => cpuBound(r, readers, os.cpus().length, instances);
  const { pages, floor } = res;
  const head = `| route | views (${readers} readers × ${seconds} s) | p50 / p95 full HTTP (ms) | server CPU per view (ms) | × floor (floor's CPU per view either side, ms) | of it the JS thread (ms) | Postgres / readers CPU per view (ms) | CPU bound on the mean (ms) | HTML (Flight) KB | bars: p95 ≤ ${LOAD_BARS.p95Ms} ms, CPU ≤ ${LOAD_BARS.cpuVsFloor}× floor |`;
  const kb = (b: number) => (b / 1024).toFixed(0);
  const row = (r: LoadResult, v: string) =>
    `| ${r.name} (\`${r.path.replace(/[0-9a-f-]{36}/g, ':id')}\`) | ${r.views} | ${fmt(r.p50)} / ${fmt(r.p95)} | ${r.cpuMs.toFixed(1)} | ${r === floor ? '1.00' : `${vsFloor(r, floor).toFixed(2)} (${(r.floorCpuMs ?? floor.cpuMs).toFixed(1)})`} | ${r.mainMs.toFixed(1)} | ${r.pgCpuMs.toFixed(1)} / ${r.clientCpuMs.toFixed(1)} | ${fmt(bound(r))} | ${r.size ? `${kb(r.size.html)} (${kb(r.size.rsc)})` : '—'} | ${v} |`;
  const lines = [head, '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|', ...pages.map((r) => row(r, verdict(r, floor, bound(r)))), row(floor, `floor (${floorSeconds} s windows, before the first page and after each)`)];
  const missed = pages.filter((r) => verdict(r, floor) !== 'met').length;
  const summary = `${missed ? `❌ MISS on ${missed} of ${pages.length} pages` : `✅ all ${pages.length} pages met both bars`} — load average ${loadAvg()} at the end; ${os.cpus().length} cores.`;
  return { table: lines.join('\n'), summary };
}

/** The load part's bars (issue 18) for docs/bench-results/pages-load.json: the worst page against each bar. */
export function loadBarResults(res: { pages: LoadResult[]; floor: LoadResult }, meta: { date: string; loadStart: string; section: string }): BarResult[] {
  const { pages, floor } = res;
  const worst = (k: (r: LoadResult) => number) => pages.reduce<LoadResult | undefined>((w, r) => (!w || !(k(r) <= k(w)) ? r : w), undefined);
  const slow = worst((r) => r.p95);
  const heavy = worst((r) => vsFloor(r, floor));
  const errors = pages.reduce((s, r) => s + r.errors.length, 0);
  const common = { load: `${meta.loadStart} (start) → ${loadAvg()} (end)`, date: meta.date, section: meta.section };
  const missesOf = (bad: (r: LoadResult) => boolean) => pages.filter(bad).map((r) => r.name);
  const cause = (names: string[]) =>
    `${names.length} of ${pages.length} pages (${names.join(', ')}); see the profile notes in docs/benchmarks-pages.md`;
  return [
    {
      id: 'pages.p95',
      bar: `every console page at 10 readers: p95 ≤ ${LOAD_BARS.p95Ms} ms full HTTP`,
      figure: slow ? `worst p95 ${fmt(slow.p95)} ms (${slow.name}); ${missesOf((r) => !(r.p95 <= LOAD_BARS.p95Ms)).length} of ${pages.length} pages over the bar; ${errors} failed views` : 'no pages',
      floor: `floor route ${FLOOR_PATH} p50 / p95 ${fmt(floor.p50)} / ${fmt(floor.p95)} ms`,
      checks: [
        { what: 'worst page p95 (ms)', value: slow?.p95 ?? NaN, op: '<=', limit: LOAD_BARS.p95Ms },
        { what: 'failed views', value: errors, op: '<=', limit: 0 },
      ],
      cause: cause(missesOf((r) => !(r.p95 <= LOAD_BARS.p95Ms) || r.errors.length > 0)),
      ...common,
    },
    {
      id: 'pages.cpu',
      bar: `every console page at 10 readers: CPU per view ≤ ${LOAD_BARS.cpuVsFloor}× the floor route`,
      figure: heavy ? `worst ${vsFloor(heavy, floor).toFixed(2)}× (${heavy.name}, ${heavy.cpuMs.toFixed(1)} ms per view${heavy.floorCpuMs === undefined ? '' : ` against ${heavy.floorCpuMs.toFixed(1)} in the floor windows either side`}); ${missesOf((r) => !(vsFloor(r, floor) <= LOAD_BARS.cpuVsFloor)).length} of ${pages.length} pages over the bar` : 'no pages',
      floor: `floor route ${FLOOR_PATH} ${floor.cpuMs.toFixed(1)} ms CPU per view over the run`,
      checks: [{ what: 'worst page CPU per view / floor', value: heavy ? vsFloor(heavy, floor) : NaN, op: '<=', limit: LOAD_BARS.cpuVsFloor }],
      cause: cause(missesOf((r) => !(vsFloor(r, floor) <= LOAD_BARS.cpuVsFloor))),
      ...common,
    },
  ];
}
