/**
 * npm run bench:pages — page speed of every console page in headless Chromium on the `large` data set.
 * Needs a production build (`flock /work/wt/build.lock npx next build`) and the large database (npm run bench:queries
 * creates and seeds it).
 *
 * Starts `next start` on BENCH_LARGE_DATABASE_URL with background jobs off (retention must not delete bench data;
 * the app still applies pending migrations at start, as it always does),
 * creates one admin for the run through lib/auth/users.ts and signs in once through the real sign-in page. Then per
 * route: 10 cold loads (a new browser context: empty cache, only the session cookie) and 10 warm loads (one context,
 * primed once, then reloaded). Measured in the browser: TTFB (Navigation Timing responseStart), LCP (the last
 * largest-contentful-paint entry once the page has settled), bytes on the wire (CDP Network encodedDataLength of the
 * responses finished by then) and the JavaScript the route loads on a cold load, gzip-compressed (the chunks named by
 * the HTML = first-load JS, and everything fetched by the time the page settled, lazy chart chunks included).
 *
 * Floors in the same run: GET /api/health (one round trip to Postgres through the whole HTTP stack) and a static
 * asset (HTTP only), and for each page the database time of the queries it runs (the layout's two counts plus the
 * page's own, from scripts/bench-queries.list.ts and scripts/bench-analytics.cases.ts, run together in this process as the
 * page runs them). Prints a table and writes docs/benchmarks-pages.md; the created user is deleted at the end.
 *
 * Then the concurrent part (scripts/bench-pages-load.ts): 10 signed-in readers, full HTTP GETs of every page for 20 s
 * each, p50 / p95 and the server's CPU per view beside the floor route /bench-floor, interleaved in the same run.
 * `--part browser|load` runs one part only (default both); `--routes "Sessions,Session detail"` (exact names) or
 * `--only TEXT` (names containing it) run a subset, printed but not written to the docs; `--seconds N` / `--floor-seconds N` set the windows;
 * `--profile DIR` starts the server with `node --cpu-prof` (profile written to DIR when it stops) and puts its top
 * frames into the docs; `--semi-space MB` sets the server's V8 semi-space (0: Node's default) for an A/B. Each part replaces its own section of docs/benchmarks-pages.md (the run it replaces moves to that section's
 * earlier-runs block at the end, scripts/bench-doc-sections.ts); text outside the generated sections (the profile notes)
 * is kept. The load part's bars go to docs/bench-results/pages-load.json (not under --profile).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { FLOOR_PATH, loadAvg, loadBarResults, loadTable, runLoad, signInOverHttp } from './bench-pages-load';
import { recordBarResults } from './bench-results';
import { profileSection } from './bench-cpuprofile';
import { writeDocSection } from './bench-doc-sections';
import { analyticsBenchCases } from './bench-analytics.cases';
import { createUser } from '@/lib/auth/users';
import { createDb, queryRows, type Db } from '@/lib/db/client';
import { percentileOf } from '@/lib/observability/rolling-window';
import { countUnreadNotifications } from '@/lib/interventions/notifications';
import { countActiveInterventions, listActiveProjects } from '@/lib/interventions/queries';
import { benchQueries } from './bench-queries.list';
import { ensureLargeDatabase, largeDbUrl } from './bench-large-db';
import { argValue, runCli } from './cli';
import { startNginx, type Nginx } from './lib/nginx';

const dbUrl = largeDbUrl;
const port = Number(argValue('port', process.env.BENCH_PAGES_PORT ?? '3510'));
const RUNS = Number(argValue('runs', process.env.BENCH_RUNS ?? '10'));
const only = argValue('only');
/** `--routes "Sessions,Session detail"`: only these routes, by exact name (case-insensitive); like --only, the docs are not written. */
const routeNames = argValue('routes')?.split(',').map((n) => n.trim().toLowerCase()).filter(Boolean);
const shotsDir = argValue('screenshots');
/** `--verbose 1`: print every load (TTFB, LCP and its element). */
const verbose = argValue('verbose') === '1';
const base = `http://localhost:${port}`;
const BENCH_EMAIL = 'bench-pages@bench.example';
const part = argValue('part', 'all');
const READERS = 10;
const readerEmail = (i: number) => `bench-pages-reader-${i + 1}@bench.example`;
const SECONDS = Number(argValue('seconds', '20'));
const FLOOR_SECONDS = Number(argValue('floor-seconds', '5'));
const profileDir = argValue('profile');
/** `--semi-space MB`: the server's V8 young-generation semi-space for an A/B; 0 (default) = Node's own, as `npm start`. */
const semiSpace = argValue('semi-space', '0');
const DOC = 'docs/benchmarks-pages.md';
/**
 * `--instances K` (K > 1): K \`next start\` processes on ports port+1…port+K behind nginx on the port (scripts/lib/nginx.ts,
 * as \`npm run cluster\`), for the load part only: whether more processes on the same cores shorten the queue. Their
 * CPU (and nginx's) is the server's; printed, not written to the docs.
 */
const INSTANCES = Number(argValue('instances', '1'));
/** One secret for every instance: a session cookie signed by one is valid on the others. */
const authSecret = randomBytes(32).toString('hex');
/** A subset of routes, or another topology than `npm start`'s one process: printed, not written to the docs. */
const subset = Boolean(only || routeNames || INSTANCES > 1);

const COLD_SETTLE_MS = 1000;
const BARS = { ttfbP95: 200, lcpWarm: 1000, lcpCold: 1500, jsKb: 250 };
const LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

type Route = { name: string; path: string; queries?: (db: Db) => Promise<unknown>[]; note?: string };

type Load = { ttfb: number; lcp: number; lcpEl: string; longTask: number; bytes: number; js: { url: string; inHtml: boolean }[] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const p = (xs: number[], q: number) => percentileOf([...xs].sort((a, b) => a - b), q) ?? NaN;

/** The fixtures the parametrised routes need, looked up once on the large set. */
async function fixtures(db: Db) {
  const [detail] = await queryRows<{ id: string }>(db, sql`SELECT id FROM agent_sessions WHERE metadata->>'benchmark' = 'detail-1000-200' LIMIT 1`);
  if (!detail) throw new Error('the large data set has no benchmark session (metadata.benchmark = detail-1000-200); reseed it with npm run bench:queries');
  const [cp] = await queryRows<{ id: string }>(db, sql`SELECT id FROM session_checkpoints WHERE session_id = ${detail.id} ORDER BY sequence DESC LIMIT 1`);
  const [checklist] = await queryRows<{ id: string }>(db, sql`SELECT id FROM deployment_checklists WHERE NOT is_template ORDER BY created_at DESC LIMIT 1`);
  return { sessionId: detail.id, checkpointId: cp?.id, checklistId: checklist?.id };
}

async function routes(db: Db, userId: string): Promise<Route[]> {
  const f = await fixtures(db);
  const layout = (d: Db) => [countActiveInterventions(d), countUnreadNotifications(d, { userId })];
  const named = (name: string) => {
    const q = benchQueries.find((b) => b.name === name);
    if (!q) throw new Error(`scripts/bench-queries.list.ts has no query named "${name}"`);
    return q;
  };
  await named('session detail (1,000 events, 200 checkpoints)').prepare?.(db);
  const analytics = await analyticsBenchCases(db, '7d');
  const cases = (prefix: string) => analytics.filter((c) => c.group !== 'raw' && c.name.startsWith(prefix) && !/\((tool|user|thompson)\)/.test(c.name));
  const out: Route[] = [
    { name: 'Overview', path: '/overview', queries: (d) => [...layout(d), ...cases('overview.').map((c) => c.run(d))], note: 'cards stream after the shell' },
    { name: 'Sessions', path: '/sessions', queries: (d) => [...layout(d), named('sessions list (first page)').run(d)] },
    { name: 'Session detail', path: `/sessions/${f.sessionId}`, queries: (d) => [...layout(d), named('session detail (1,000 events, 200 checkpoints)').run(d)] },
    ...(f.checkpointId ? [{ name: 'Checkpoint', path: `/sessions/${f.sessionId}/checkpoints/${f.checkpointId}`, queries: layout }] : []),
    {
      name: 'Interventions',
      path: '/interventions',
      queries: (d: Db) => [...layout(d), named('active interventions (first page)').run(d), countActiveInterventions(d), listActiveProjects(d)],
    },
    { name: 'Intervention history', path: '/interventions/history', queries: (d) => [...layout(d), named('intervention history (first page)').run(d)] },
    { name: 'Recoveries', path: '/recoveries', queries: (d) => [...layout(d), named('recovery history (first page)').run(d)] },
    { name: 'Tools', path: '/tools', queries: (d) => [...layout(d), ...cases('tools.').map((c) => c.run(d))], note: 'cards stream after the shell' },
    { name: 'Checklists', path: '/checklists', queries: layout },
    ...(f.checklistId ? [{ name: 'Checklist', path: `/checklists/${f.checklistId}`, queries: layout }] : []),
    { name: 'Database', path: '/database', queries: layout },
    { name: 'Settings', path: '/settings', queries: layout },
    { name: 'Settings · users', path: '/settings/users', queries: layout },
    { name: 'Settings · tokens', path: '/settings/tokens', queries: layout },
    { name: 'Settings · notifications', path: '/settings/notifications', queries: layout },
    { name: 'Settings · audit', path: '/settings/audit', queries: layout },
  ];
  const picked = out.filter((r) => (!only || r.name.toLowerCase().includes(only.toLowerCase())) && (!routeNames || routeNames.includes(r.name.toLowerCase())));
  const unknown = routeNames?.filter((n) => !out.some((r) => r.name.toLowerCase() === n));
  if (unknown?.length) throw new Error(`--routes: no route named ${unknown.map((n) => `"${n}"`).join(', ')} (routes: ${out.map((r) => r.name).join(', ')})`);
  return picked;
}

/** Records the last LCP candidate from the first paint on; read after the page has settled. */
const LCP_INIT = `(() => {
  window.__lcp = 0;
  window.__lcpEl = '';
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__lcp = e.renderTime || e.loadTime || e.startTime;
      const el = e.element;
      window.__lcpEl = el ? el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' “' + (el.textContent || '').trim().slice(0, 24) + '”' : '(removed)';
    }
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  window.__busyUntil = 0;
  window.__longest = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__busyUntil = Math.max(window.__busyUntil, e.startTime + e.duration);
      window.__longest = Math.max(window.__longest, e.duration);
    }
  }).observe({ type: 'longtask', buffered: true });
})();`;

async function measure(page: Page, url: string, reload: boolean): Promise<Load> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let bytes = 0;
  const js = new Map<string, string>();
  cdp.on('Network.responseReceived', (e) => {
    if (e.type === 'Script' || /\.js(\?|$)/.test(e.response.url)) js.set(e.requestId, e.response.url);
  });
  const inFlight = new Set<string>();
  // The page's /api/live event stream stays open by design; it is not a request the page waits for.
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.type !== 'EventSource') inFlight.add(e.requestId);
  });
  cdp.on('Network.loadingFailed', (e) => inFlight.delete(e.requestId));
  cdp.on('Network.loadingFinished', (e) => {
    inFlight.delete(e.requestId);
    bytes += e.encodedDataLength;
  });
  const response = reload ? await page.reload({ waitUntil: 'load', timeout: 30_000 }) : await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  if (!response || response.status() !== 200) throw new Error(`${url}: HTTP ${response?.status()}`);
  if (new URL(page.url()).pathname !== new URL(url).pathname) throw new Error(`${url}: redirected to ${page.url()} (not signed in?)`);
  // Settle: the streamed cards are in by `load`; give lazy charts and late paints a moment, bounded.
  let last = -1;
  for (let i = 0; i < 20; i++) {
    await sleep(100);
    const now = (await page.evaluate('window.__lcp')) as number;
    if (now > 0 && now === last && i >= 2) break;
    last = now;
  }
  // Then let the page finish (no request in flight, no long task for 500 ms; at most 5 s), so that the next load —
  // a warm reload — starts from a finished page and does not wait for this one's chart mounting.
  for (let i = 0; i < 50; i++) {
    const quietFor = (await page.evaluate('performance.now() - window.__busyUntil')) as number;
    if (inFlight.size === 0 && quietFor >= 500) break;
    await sleep(100);
  }
  const [ttfb, lcp, lcpEl, longTask] = (await page.evaluate(
    `[performance.getEntriesByType('navigation')[0].responseStart, window.__lcp, window.__lcpEl, window.__longest]`,
  )) as [number, number, string, number];
  const html = await response.text().catch(() => '');
  await cdp.detach();
  return {
    ttfb,
    lcp,
    lcpEl,
    longTask,
    bytes,
    js: [...new Set(js.values())].map((u) => ({ url: u, inHtml: html.includes(new URL(u).pathname.replace(/^\/_next\//, '')) })),
  };
}

const gzipCache = new Map<string, number>();
async function gzipSize(url: string, cookie: string) {
  if (!gzipCache.has(url)) {
    const body = Buffer.from(await (await fetch(url, { headers: { cookie } })).arrayBuffer());
    gzipCache.set(url, gzipSync(body).length);
  }
  return gzipCache.get(url)!;
}

async function newContext(browser: Browser, storageState: Awaited<ReturnType<BrowserContext['storageState']>>) {
  const ctx = await browser.newContext({ storageState, viewport: { width: 1440, height: 900 } });
  await ctx.addInitScript(LCP_INIT);
  return ctx;
}

async function httpFloor(url: string, n: number) {
  const times: number[] = [];
  for (let i = 0; i < n + 3; i++) {
    const t = performance.now();
    const r = await fetch(url);
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    if (i >= 3) times.push(performance.now() - t);
  }
  return { p50: p(times, 0.5), p95: p(times, 0.95) };
}

async function queryTime(db: Db, run: (d: Db) => Promise<unknown>[], n: number) {
  for (let i = 0; i < 3; i++) await Promise.all(run(db));
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await Promise.all(run(db));
    times.push(performance.now() - t);
  }
  return p(times, 0.5);
}

async function startServer(listenPort = port): Promise<ChildProcess> {
  if (profileDir) {
    fs.mkdirSync(profileDir, { recursive: true });
    for (const f of fs.readdirSync(profileDir)) if (f.endsWith('.cpuprofile')) fs.rmSync(path.join(profileDir, f));
  }
  if (!fs.existsSync('.next/BUILD_ID')) throw new Error('no production build: run flock /work/wt/build.lock npx next build');
  // Node refuses --cpu-prof in NODE_OPTIONS: the profiled server is started as `node --cpu-prof …/next start`.
  const nextBin = path.resolve('node_modules/next/dist/bin/next');
  // `--semi-space 32` (Node's default is 16 MB) was tried against GC's 12 % of the server's CPU: no measurable change
  // in CPU per view (docs/benchmarks-pages.md), so `npm start` keeps Node's default.
  const nodeFlags = [...(semiSpace === '0' ? [] : [`--max-semi-space-size=${semiSpace}`]), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [])];
  const server = spawn(process.execPath, [...nodeFlags, nextBin, 'start', '-p', String(listenPort)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: dbUrl,
      PORT: String(listenPort),
      APP_URL: base,
      BETTER_AUTH_SECRET: authSecret,
      BACKGROUND_JOBS: '0',
      BENCH_FLOOR_ROUTE: '1',
      FLIGHTDECK_DEMO: '0',
      LOG_LEVEL: 'warn',
    },
  });
  for (let i = 0; ; i++) {
    if (await fetch(`http://localhost:${listenPort}/sign-in`).then((r) => r.ok, () => false)) return server;
    if (server.exitCode !== null) throw new Error(`next start exited with ${server.exitCode} (port ${listenPort} in use?)`);
    if (i > 120) throw new Error('the server did not start within 60 s');
    await sleep(500);
  }
}

/** The element most loads named as their largest contentful paint. */
function lcpElement(loads: Load[]) {
  const n = new Map<string, number>();
  for (const l of loads) n.set(l.lcpEl, (n.get(l.lcpEl) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] || '—';
}

const fmt = (ms: number) => (Number.isFinite(ms) ? Math.round(ms).toString() : '—');
const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** One reader in headless Chromium: cold and warm loads of every route; returns the section's Markdown. */
async function browserPart(browser: Browser, db: Db, list: Route[], storageState: StorageState, cookie: string, sessions: number) {
  const health = await httpFloor(`${base}/api/health`, 30);
  const chunk = /\/_next\/static\/[^"'\s]+?\.js/.exec(await (await fetch(`${base}/sign-in`)).text())?.[0];
  if (!chunk) throw new Error('the sign-in page names no /_next/static script');
  const staticAsset = await httpFloor(`${base}${chunk}`, 30);

  type Result = Route & { cold: Load[]; warm: Load[]; jsFirst: number; jsAll: number; queryMs?: number };
  const results: Result[] = [];
  for (const r of list) {
    const url = `${base}${r.path}`;
    const cold: Load[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await newContext(browser, storageState);
      try {
        // The tab exists before the address is typed, as in a user's running browser: on this 2-core machine a
        // renderer process starting while the request is in flight doubled the server's time (cold TTFB p50
        // 104 ms → 61 ms on /sessions once the tab had settled). The cache is still empty.
        const page = await ctx.newPage();
        await page.goto('about:blank');
        await sleep(COLD_SETTLE_MS);
        cold.push(await measure(page, url, false));
      } finally {
        await ctx.close();
      }
    }
    const warm: Load[] = [];
    const ctx = await newContext(browser, storageState);
    try {
      const page = await ctx.newPage();
      await measure(page, url, false);
      for (let i = 0; i < RUNS; i++) warm.push(await measure(page, url, true));
      if (shotsDir) {
        fs.mkdirSync(shotsDir, { recursive: true });
        await page.screenshot({ path: path.join(shotsDir, `${r.name.replace(/\W+/g, '-').toLowerCase()}.png`), fullPage: false });
      }
    } finally {
      await ctx.close();
    }
    const js = new Map<string, boolean>();
    for (const l of cold) for (const s of l.js) js.set(s.url, (js.get(s.url) ?? false) || s.inHtml);
    let jsFirst = 0;
    let jsAll = 0;
    for (const [u, inHtml] of js) {
      const size = await gzipSize(u, cookie);
      jsAll += size;
      if (inHtml) jsFirst += size;
    }
    const queryMs = r.queries ? await queryTime(db, r.queries, RUNS) : undefined;
    const res: Result = { ...r, cold, warm, jsFirst, jsAll, queryMs };
    if (verbose) for (const [kind, ls] of [['cold', cold], ['warm', warm]] as const) for (const l of ls) console.log(`    ${kind} TTFB ${fmt(l.ttfb)} LCP ${fmt(l.lcp)} ${l.lcpEl}`);
    results.push(res);
    console.log(
      `  ${r.name}: TTFB p95 cold ${fmt(p(cold.map((l) => l.ttfb), 0.95))} / warm ${fmt(p(warm.map((l) => l.ttfb), 0.95))} ms, LCP p95 cold ${fmt(p(cold.map((l) => l.lcp), 0.95))} / warm ${fmt(p(warm.map((l) => l.lcp), 0.95))} ms, JS ${kb(jsFirst)} (${kb(jsAll)} with lazy chunks), LCP element ${lcpElement(warm)}`,
    );
  }

  const head =
    '| route | TTFB p50 / p95 cold | TTFB p50 / p95 warm | page queries (DB, p50) | LCP p50 / p95 cold | LCP p50 / p95 warm | longest task p50 cold | transfer cold / warm | first-load JS gzip (all JS incl. lazy) | bars | result |';
  const rows = results.map((r) => {
    const t = (ls: Load[], k: 'ttfb' | 'lcp') => `${fmt(p(ls.map((l) => l[k]), 0.5))} / ${fmt(p(ls.map((l) => l[k]), 0.95))}`;
    const ttfb95 = Math.max(p(r.cold.map((l) => l.ttfb), 0.95), p(r.warm.map((l) => l.ttfb), 0.95));
    const misses = [
      ttfb95 > BARS.ttfbP95 && `TTFB p95 ${fmt(ttfb95)} ms`,
      p(r.cold.map((l) => l.lcp), 0.95) > BARS.lcpCold && 'LCP cold',
      p(r.warm.map((l) => l.lcp), 0.95) > BARS.lcpWarm && 'LCP warm',
      r.jsFirst > BARS.jsKb * 1024 && 'JS',
    ].filter(Boolean);
    const bytes = (ls: Load[]) => kb(p(ls.map((l) => l.bytes), 0.5));
    return `| ${r.name} (\`${r.path.replace(/[0-9a-f-]{36}/g, ':id')}\`) | ${t(r.cold, 'ttfb')} | ${t(r.warm, 'ttfb')} | ${r.queryMs === undefined ? '—' : `${r.queryMs.toFixed(1)} ms${r.note ? ` (${r.note})` : ''}`} | ${t(r.cold, 'lcp')} | ${t(r.warm, 'lcp')} | ${fmt(p(r.cold.map((l) => l.longTask), 0.5))} | ${bytes(r.cold)} / ${bytes(r.warm)} | ${kb(r.jsFirst)} (${kb(r.jsAll)}) | TTFB ≤ ${BARS.ttfbP95}, LCP ≤ ${BARS.lcpCold} / ${BARS.lcpWarm}, JS ≤ ${BARS.jsKb} KB | ${misses.length ? `❌ ${misses.join(', ')}` : '✅'} |`;
  });
  const floorRows = [
    `| HTTP floor: \`GET /api/health\` (one Postgres round trip through the whole stack, Node fetch) | ${fmt(health.p50)} / ${fmt(health.p95)} | | | | | | | | | |`,
    `| HTTP floor: a static script, \`${chunk}\` (Node fetch) | ${fmt(staticAsset.p50)} / ${fmt(staticAsset.p95)} | | | | | | | | | |`,
  ];
  const table = [head, '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|', ...rows, ...floorRows].join('\n');
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  const md = [
    '## In the browser, one reader',
    '',
    `Run ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${load} at the end; headless Chromium (${browser.version()}) and \`next start\` (production build) on the same machine, data set: large (${sessions.toLocaleString('en')} sessions, \`${dbUrl.replace(/:[^:@/]*@/, ':***@')}\`), background jobs off.`,
    `${RUNS} cold loads per route (new browser context: empty cache, signed-in cookie only; its tab opened on about:blank and left to settle ${COLD_SETTLE_MS} ms first, as in a running browser — on this 2-core machine a renderer starting during the request doubled the server's time) and ${RUNS} warm loads (one context, primed once, then reloaded). All times in ms.`,
    '',
    '- **TTFB**: Navigation Timing `responseStart`. Pages that stream (Suspense) send their shell first; their cards arrive in the same response before `load`.',
    '- **page queries**: the database time of the layout\'s counts plus the page\'s own queries, run together in the bench process as the page runs them (the floor under the page\'s TTFB). For streaming pages those queries come after the first byte.',
    '- **LCP**: the last `largest-contentful-paint` entry once the page has settled after `load`. Each load then waits until the page is quiet (no request in flight except the live event stream, no long task for 500 ms; at most 5 s), so a warm reload starts from a finished page.',
    '- **longest task**: the longest main-thread task (Long Tasks API, ≥ 50 ms; 0 = none) from navigation until the page went quiet — how long a click could wait. Charts mount one per task (components/charts/deferred-chart.tsx); when they mounted together Overview blocked for ~650 ms.',
    '- **transfer**: bytes on the wire (CDP `encodedDataLength`, headers included) of the responses finished by then, median.',
    '- **first-load JS**: gzip size (zlib default level, as `next start` compresses) of the scripts named by the route\'s HTML on a cold load; in brackets every script fetched by the time the page settled, lazily loaded chart chunks included.',
    '',
    table,
    '',
    'The element each route\'s warm loads named as their largest contentful paint (most often):',
    '',
    ...results.map((r) => `- ${r.name}: \`${lcpElement(r.warm)}\``),
    '',
  ].join('\n');
  console.log(`\n${table}\n`);
  return md;
}

runCli(async () => {
  await ensureLargeDatabase();
  const handle = await createDb({ url: dbUrl, poolMax: 10 });
  const db = handle.db;
  let server: ChildProcess | undefined;
  const extraServers: ChildProcess[] = [];
  let nginx: Nginx | undefined;
  let browser: Browser | undefined;
  const password = randomBytes(18).toString('base64url');
  const benchUsers = sql`email = ${BENCH_EMAIL} OR email LIKE 'bench-pages-reader-%@bench.example'`;
  try {
    const [{ sessions }] = await queryRows<{ sessions: number }>(db, sql`SELECT count(*)::int AS sessions FROM agent_sessions`);
    await db.execute(sql`DELETE FROM "user" WHERE ${benchUsers}`);
    const created = await createUser(db, { email: BENCH_EMAIL, name: 'Page bench', role: 'admin', password });
    if (!created.ok) throw new Error('could not create the bench user');
    const list = await routes(db, created.user.id);
    for (let i = 0; i < READERS; i++) {
      const r = await createUser(db, { email: readerEmail(i), name: `Page bench reader ${i + 1}`, role: 'admin', password });
      if (!r.ok) throw new Error(`could not create ${readerEmail(i)}`);
    }

    if (INSTANCES > 1) {
      if (part !== 'load') throw new Error('--instances runs the load part only: add --part load');
      for (let k = 1; k <= INSTANCES; k++) extraServers.push(await startServer(port + k));
      nginx = await startNginx({
        dir: path.join(os.tmpdir(), `bench-pages-nginx-${port}`),
        port,
        upstreams: extraServers.map((_, k) => port + 1 + k),
        tuning: { maxFails: 0, keepalive: 64, connectTimeoutS: 30 },
      });
    } else server = await startServer();
    const cookies: string[] = [];
    for (let i = 0; i < READERS; i++) cookies.push(await signInOverHttp(base, readerEmail(i), password));
    // Warm-up: each route once, so the first measured load is not the server process's first.
    for (const r of list) await fetch(`${base}${r.path}`, { headers: { cookie: cookies[0] } }).then((res) => res.arrayBuffer());

    if (part === 'all' || part === 'browser') {
      browser = await chromium.launch(LAUNCH);
      // Sign in once through the real page; every context below reuses the session cookie.
      const signIn = await browser.newContext();
      const sp = await signIn.newPage();
      await sp.goto(`${base}/sign-in`);
      await sp.getByLabel('Email').fill(BENCH_EMAIL);
      await sp.getByLabel('Password').fill(password);
      await sp.getByRole('button', { name: 'Sign in' }).click();
      await sp.waitForURL(/\/overview/, { timeout: 30_000 });
      const storageState = await signIn.storageState();
      const cookie = storageState.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      await signIn.close();
      const md = await browserPart(browser, db, list, storageState, cookie, sessions);
      await browser.close();
      browser = undefined;
      if (!subset) writeDocSection(DOC, 'browser', md);
    }

    if (part === 'all' || part === 'load') {
      console.log(`\n${READERS} readers, ${SECONDS} s per page, floor ${FLOOR_PATH} ${FLOOR_SECONDS} s before the first page and after each; load average ${loadAvg()}`);
      const loadStart = loadAvg();
      const nginxPid = nginx ? Number(fs.readFileSync(path.join(path.dirname(nginx.accessLog), 'nginx.pid'), 'utf8').trim()) : undefined;
      const res = await runLoad({
        base,
        serverPids: server ? [server.pid!] : extraServers.map((x) => x.pid!),
        proxyPid: nginxPid,
        routes: list,
        cookies,
        seconds: SECONDS,
        floorSeconds: FLOOR_SECONDS,
      });
      const runDate = new Date().toISOString();
      const { table, summary } = loadTable(res, READERS, SECONDS, FLOOR_SECONDS, INSTANCES > 1 ? INSTANCES : 1);
      console.log(`\n${table}\n\n${summary}\n`);
      const md = [
        '## At 10 readers, full HTTP',
        '',
        `Run ${runDate} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, \`next start\` (production build), data set: large (${sessions.toLocaleString('en')} sessions), background jobs off${profileDir ? ', server under `node --cpu-prof` (slower than without)' : ''}. Load average ${res.floor.load} at the end of the run (1 / 5 / 15 min).`,
        `${READERS} readers (one signed-in user and session each) request one page at a time back to back for ${SECONDS} s (after one unmeasured view each): node:http with the session cookie, keep-alive, gzip, the whole (streamed) body read (Node's fetch until 2026-12-08: it cost the readers 4–11 ms of CPU per view on the server's cores). **p50 / p95**: request sent → last byte. **CPU per view**: utime + stime of \`next start\` and its child processes (/proc/<pid>/stat) over the window, ÷ views — Postgres's own CPU is not in it; it is the next column, beside the readers' own (every \`postgres\` process, and this benchmark's process, over the same window ÷ the same views; all three share the machine's cores). **Of it the JS thread**: the server process's main thread alone (/proc/<pid>/task/<pid>/stat), where every request's JavaScript runs one at a time. **CPU bound on the mean**: ${READERS} × the larger of the JS thread's time per view and (server + Postgres + readers) ÷ ${os.cpus().length} cores — by Little's law no scheduling gets the mean response time below it on this machine. **Floor**: \`${FLOOR_PATH}\` (same build, same console layout with its session check and sidebar counts, a 50-row static table, no query of its own; served only with \`BENCH_FLOOR_ROUTE=1\`), ${FLOOR_SECONDS} s windows before the first page and after every page; its row is those windows together, and each page's **× floor** is against the two windows either side of it (their CPU per view in brackets), so a drift of the machine's speed during the run moves both (since 2026-12-08; before, against the whole run's floor).`,
        '',
        table,
        '',
        summary,
        '',
      ].join('\n');
      if (!subset) writeDocSection(DOC, 'load', md);
      // The bars for the summary of docs/benchmarks.md; a run under --cpu-prof is slower and not for the bars.
      if (!subset && !profileDir) recordBarResults('pages-load', loadBarResults(res, { date: runDate, loadStart, section: `${DOC} § At 10 readers, full HTTP (run ${runDate})` }));
    }
  } finally {
    await browser?.close();
    await nginx?.stop();
    for (const x of extraServers) if (x.exitCode === null) x.kill('SIGTERM');
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
    }
    await db.execute(sql`DELETE FROM "user" WHERE ${benchUsers}`).catch(() => {});
    await handle.close();
  }
  if (profileDir) {
    const md = profileSection(profileDir);
    console.log(md);
    if (!subset) writeDocSection(DOC, 'profile', md);
  }
  if (!subset) console.log(`written to ${DOC}`);
});
