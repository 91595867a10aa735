import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { argValue, hasFlag, runCli } from './cli';
import { benchDatabaseState, SEED_TIME } from './bench-queries.lib';
import { assembleBenchmarksDoc, readPartResults, summaryRows } from './bench-results';

/**
 * npm run bench — every benchmark that writes a docs/benchmarks*.md, one after the other (they share two cores, so
 * never at once), then docs/benchmarks.md assembled: a summary of the bars of issues 18 and 26 (from the
 * docs/bench-results/*.json the parts write beside their docs), then every part's doc. Each part compares against
 * its floor in the same run and adds its run beside the earlier ones; see the part's own header for what it measures.
 *
 *   --list            the parts, their commands, docs and expected durations; nothing is run
 *   --only a,b        only the parts whose name or command contains one of these (e.g. `db`, `fleet`, `fleet-3000`,
 *                     `bench-queries` = queries and growth); docs/benchmarks.md is still assembled from every doc
 *   --lock FILE       each part runs under `flock FILE` (taken per part, the settle inside it), e.g. /tmp/fd-heavy.lock
 *   --assemble        run no part: only docs/benchmarks.md, from the docs and results as they are
 *
 * Not a part: `npm run bench:analytics` (Overview/Tools queries, roll-up vs raw) prints to the console and writes
 * no doc; `npm run bench:pages -- --part load --profile DIR` (the CPU profile section of docs/benchmarks-pages.md)
 * is slower under the profiler and not for the bars, so it is run by hand.
 */
type Part = {
  name: string;
  script: string;
  args: string[];
  doc: string;
  what: string;
  /** Expected duration on the quiet 2-core machine, settle not included. */
  expect: string;
  /** A reason not to run this time (printed and written into docs/benchmarks.md), or undefined to run. */
  skip?: () => Promise<string | undefined>;
};

/** The fleet runs behind issue 26's table: 1,000 / 3,000 agents on one instance, 5,000 on two (as in docs/benchmarks-fleet.md). */
const FLEET_RUNS = [
  { agents: 1000, instances: 1 },
  { agents: 3000, instances: 1 },
  { agents: 5000, instances: 2 },
];
const FLEET_SECONDS = 40;

const growthSkip = async () => {
  const x = await benchDatabaseState('xlarge');
  if (x.ready) return undefined;
  return (
    `${x.reason}. Seed it first with \`npm run bench:seed -- --scale xlarge\` (1M sessions, 10M events, 5M tool executions: ` +
    `${SEED_TIME.xlarge} of both cores here; under the heavy lock on a quiet machine), then \`npm run bench -- --only growth\``
  );
};

const parts: Part[] = [
  { name: 'db', script: 'scripts/bench-db.ts', args: [], doc: 'docs/benchmarks-db.md', what: 'data layer overhead (bare postgres.js / bare Drizzle / Drizzle + retry + monitor)', expect: '2 min' },
  { name: 'ingest', script: 'scripts/bench-ingest.ts', args: [], doc: 'docs/benchmarks-ingest.md', what: 'agent API ingestion through HTTP vs the bare postgres.js insert, interleaved (needs `next build`)', expect: '3 min' },
  // Creates and seeds the large data set first if it is missing (about 3–5 min more): the pages below read it.
  { name: 'queries', script: 'scripts/bench-queries.ts', args: [], doc: 'docs/benchmarks-queries.md', what: 'every page query on the large data set vs its EXPLAIN ANALYZE floor', expect: '1–2 min' },
  {
    name: 'growth',
    script: 'scripts/bench-queries.ts',
    args: ['--compare', 'large,xlarge'],
    doc: 'docs/benchmarks-queries.md',
    what: 'every page query on large and xlarge, interleaved: the ratio xlarge/large (needs the xlarge database)',
    expect: '5–10 min',
    skip: growthSkip,
  },
  {
    name: 'pages-browser',
    script: 'scripts/bench-pages.ts',
    args: ['--part', 'browser'],
    doc: 'docs/benchmarks-pages.md',
    what: 'every console page in headless Chromium on the large data set: TTFB, LCP, transfer, first-load JS (needs `next build`)',
    expect: '10–15 min',
  },
  {
    name: 'pages-load',
    script: 'scripts/bench-pages.ts',
    args: ['--part', 'load'],
    doc: 'docs/benchmarks-pages.md',
    what: 'every console page at 10 readers, full HTTP, beside the floor route (needs `next build`)',
    expect: '8 min',
  },
  ...FLEET_RUNS.map(
    (r): Part => ({
      name: `fleet-${r.agents}x${r.instances}`,
      script: 'scripts/bench-fleet.ts',
      args: ['--agents', String(r.agents), '--seconds', String(FLEET_SECONDS), '--instances', String(r.instances)],
      doc: 'docs/benchmarks-fleet.md',
      what: `fleet of ${r.agents.toLocaleString('en')} agents on one token, ${r.instances === 1 ? 'one instance' : `${r.instances} instances behind nginx`}, hot path vs floor route (needs \`next build\`${r.instances > 1 ? ', nginx' : ''})`,
      expect: r.instances > 1 ? '3–4 min' : '2–3 min',
    }),
  ),
  {
    name: 'fleet-largest',
    script: 'scripts/bench-fleet-find.ts',
    args: [],
    doc: 'docs/benchmarks-fleet.md',
    what: 'the largest fleet with heartbeat p95 ≤ 100 ms and no errors, one instance and two behind nginx: a search of whole bench:fleet runs (needs `next build`, nginx)',
    expect: '15–30 min',
  },
];

const command = (p: Part) => ['node_modules/.bin/tsx', p.script, ...p.args];
const shown = (p: Part) => `npx tsx ${p.script}${p.args.length ? ` ${p.args.join(' ')}` : ''}`;

/** Share of CPU time idle over `ms`, from /proc/stat (Linux); 1 where it cannot be read. */
async function idleShare(ms: number) {
  const read = () => {
    try {
      const [, ...v] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
      return { idle: v[3] + v[4], total: v.reduce((a, b) => a + b, 0) };
    } catch {
      return null;
    }
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return a && b && b.total > a.total ? (b.idle - a.idle) / (b.total - a.total) : 1;
}

/**
 * Before each part: wait until the machine is quiet (≥ 85 % idle over a second; at most 60 s), so that one part's
 * after-effects (Postgres writing back what bench:ingest inserted, autovacuum) do not land in the next part's figures.
 */
async function settle() {
  const until = Date.now() + 60_000;
  let idle = 0;
  while (Date.now() < until && (idle = await idleShare(1000)) < 0.85);
  return idle;
}

/** One part: settle, then run it; its exit status. */
async function runPart(p: Part) {
  const idle = await settle();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  console.log(`\n=== ${p.name}: ${shown(p)} — ${p.what} (machine ${Math.round(idle * 100)} % idle, load average ${load} at the start; expect ${p.expect})`);
  const t0 = Date.now();
  const r = spawnSync(path.resolve(command(p)[0]), command(p).slice(1), { stdio: 'inherit', env: process.env });
  console.log(`=== ${p.name}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status ?? r.signal})`} after ${((Date.now() - t0) / 60_000).toFixed(1)} min`);
  return r.status ?? 1;
}

function selected(only: string | undefined) {
  if (!only) return parts;
  const wanted = only.split(',').map((s) => s.trim()).filter(Boolean);
  const picked = parts.filter((p) => wanted.some((w) => p.name.includes(w) || shown(p).includes(w)));
  if (!picked.length) throw new Error(`--only "${only}" matches no part; the parts: ${parts.map((p) => p.name).join(', ')}`);
  return picked;
}

runCli(async () => {
  // Internal: one part under `flock` (see --lock): settle and run inside the lock.
  const inside = argValue('part-in-lock');
  if (inside) {
    const p = parts.find((x) => x.name === inside);
    if (!p) throw new Error(`no part "${inside}"`);
    const status = await runPart(p);
    // runCli exits 0 when main resolves: a failure is thrown, so `flock` and the caller see exit 1.
    if (status !== 0) throw new Error(`part ${p.name} failed (exit ${status})`);
    return;
  }

  const only = argValue('only');
  const lock = argValue('lock');
  if (hasFlag('list')) {
    console.log('npm run bench runs, in this order (each after the machine settles; --only NAME,… for a subset, --lock FILE to take a lock per part):\n');
    for (const p of parts) {
      const skip = p.skip ? await p.skip() : undefined;
      console.log(`${p.name.padEnd(14)} ${shown(p)}\n${' '.repeat(15)}${p.what}\n${' '.repeat(15)}→ ${p.doc} (+ docs/bench-results/); expect ${p.expect}${skip ? `\n${' '.repeat(15)}SKIPPED now: ${skip}` : ''}\n`);
    }
    console.log('then docs/benchmarks.md: the summary of the bars of issues 18 and 26, then every part\'s doc.');
    console.log('Not parts: npm run bench:analytics (console only, no doc); npm run bench:pages -- --part load --profile DIR (profile section, by hand).');
    return;
  }

  const failed: string[] = [];
  const skipped: Record<string, string> = {};
  const ran: string[] = [];
  for (const p of hasFlag('assemble') ? [] : selected(only)) {
    const reason = p.skip ? await p.skip() : undefined;
    if (reason) {
      skipped[p.name] = reason;
      console.log(`\n=== ${p.name}: SKIPPED — ${reason}`);
      continue;
    }
    const status = lock
      ? (spawnSync('flock', [lock, path.resolve('node_modules/.bin/tsx'), 'scripts/bench.ts', '--part-in-lock', p.name], { stdio: 'inherit', env: process.env }).status ?? 1)
      : await runPart(p);
    if (status !== 0) failed.push(p.name);
    else ran.push(p.name);
  }

  // The growth comparison says why it is missing even when this invocation did not select it.
  if (!skipped.growth && !ran.includes('growth') && !failed.includes('growth')) {
    const reason = await growthSkip().catch((err: Error) => `could not check the xlarge database: ${err.message}`);
    if (reason) skipped.growth = `not selected in this run, and it could not run: ${reason}`;
  }
  const { parts: results, problems } = readPartResults();
  const notes = [
    ...Object.entries(skipped).map(([name, why]) => `**${name} skipped** (${new Date().toISOString().slice(0, 10)}): ${why}.`),
    ...(failed.length ? [`**Failed in this run:** ${failed.join(', ')} (its doc and results are those of its last finished run).`] : []),
    ...problems.map((p) => `Unreadable results file: ${p}.`),
  ];
  const docs = [...new Set(parts.map((p) => p.doc))].filter((f) => fs.existsSync(f)).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
  const header =
    `Assembled by \`npm run bench\` on ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end. ` +
    `Parts run this time: ${ran.length ? ran.join(', ') : 'none'}${only ? ` (--only ${only})` : ''}${hasFlag('assemble') ? ' (--assemble)' : ''}; the others' docs are as their last runs left them.`;
  fs.writeFileSync('docs/benchmarks.md', assembleBenchmarksDoc({ header, rows: summaryRows(results, { skipped }), notes, docs }));
  for (const n of notes) console.log(n.replace(/\*\*/g, ''));
  console.log('\nWrote docs/benchmarks.md');
  if (failed.length) throw new Error(`failed parts: ${failed.join(', ')} (docs/benchmarks.md written with what the others left)`);
});
