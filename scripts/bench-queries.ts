/**
 * npm run bench:queries — every statement each console page sends, timed on the `large` data set. The statements
 * are not listed by hand: each page's loader (scripts/bench-queries.pages.ts) runs once under recordStatements
 * (lib/observability/instrument.ts), which records every statement the data layer sends; each is then replayed through the
 * data layer, timed, explained (floor: Postgres execution time, EXPLAIN ANALYZE, same run) and its plan checked
 * for a sequential scan of any table over 10k rows. Bar: every page statement p95 ≤ 20 ms (issue 18). The run is
 * added above the earlier ones in docs/benchmarks-queries.md; its bar goes to docs/bench-results/queries.json.
 *
 * Data: BENCH_LARGE_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/flightdeck_bench_large. A missing
 * database is created and seeded with `--scale large` first (about 5 minutes here); it is kept for later runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { createDb, type Db } from '@/lib/db/client';
import { percentileOf } from '@/lib/observability/rolling-window';
import { recordStatements, type RecordedStatement } from '@/lib/observability/instrument';
import {
  benchUrls,
  ensureBenchDatabase,
  explain,
  label,
  largeTables,
  replayer,
  SEQ_SCAN_ROWS,
  timeSequential,
} from './bench-queries.lib';
import { pageLoads, type PageLoad } from './bench-queries.pages';
import { argValue, runCli } from './cli';
import { recordBarResults } from './bench-results';

const url = benchUrls.large;
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
/** `--only <text>`: time only the queries and pages whose name contains it; the table is printed, the docs are not written. */
const ONLY = argValue('only');
const READERS = 10;
const PAGE_LOADS = Number(process.env.BENCH_PAGE_LOADS ?? 20); // per reader
const WARM_UP_LOADS = 8; // per reader
/** Issue 18: every page statement's p95 on `large`. Never lowered in code; a miss is printed as a miss. */
const QUERY_P95_BAR_MS = 20;
/** A page's whole loader at 10 concurrent readers, p95 (the page bar of issue 8, kept). */
const LOADER_P95_BAR_MS = 150;

type StatementResult = { page: string; load: string; n: number; sql: string; p50: number; p95: number; floor: number; seq: string[]; indexes: string[] };
type PageResult = { name: string; statements: number; p50: number; p95: number; bareP50: number; bareP95: number; floor: number };

/** `READERS` callers each running `run` `loads` times back to back; every call's latency. */
async function concurrently(run: () => Promise<unknown>, loads = PAGE_LOADS): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: READERS }, async () => {
      for (let i = 0; i < loads; i++) {
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
    }),
  );
  return times.sort((a, b) => a - b);
}

/** Every distinct statement one load of the page sends: timed one caller at a time after a pooled warm-up. */
async function benchStatements(client: postgres.Sql, db: Db, p: PageLoad, statements: RecordedStatement[], large: Set<string>) {
  const distinct = new Map<string, { s: RecordedStatement; n: number }>();
  for (const s of statements) {
    const key = `${s.text}\u0000${JSON.stringify(s.params)}`;
    const seen = distinct.get(key);
    if (seen) seen.n += 1;
    else distinct.set(key, { s, n: 1 });
  }
  const out: StatementResult[] = [];
  for (const { s, n } of distinct.values()) {
    const e = await explain(client, s, large);
    const run = replayer(db, s);
    // Every pooled connection prepares the statement (and may cache its generic plan), as in a server that has
    // been up for a while.
    await concurrently(run, 6);
    const times = await timeSequential(run, RUNS);
    out.push({ page: p.page, load: p.name, n, sql: label(s.text), p50: percentileOf(times, 0.5) ?? 0, p95: percentileOf(times, 0.95) ?? 0, floor: e.ms, seq: e.seq, indexes: [...new Set(e.indexes)] });
  }
  return out;
}

/** The whole loader at 10 concurrent readers, beside its recorded statements replayed on the bare driver. */
async function benchPage(client: postgres.Sql, db: Db, p: PageLoad, statements: RecordedStatement[], large: Set<string>): Promise<PageResult> {
  let floor = 0;
  for (const s of statements) floor += (await explain(client, s, large)).ms;
  await concurrently(() => p.load(db), WARM_UP_LOADS);
  const times = await concurrently(() => p.load(db));
  const bare = postgres(url, { max: Number(process.env.DB_POOL_MAX ?? 10), onnotice: () => {} });
  try {
    const replay = () => Promise.all(statements.map((s) => bare.unsafe(s.text, s.params as never[], { prepare: true })));
    await concurrently(replay, WARM_UP_LOADS);
    const bareTimes = await concurrently(replay);
    return {
      name: p.name,
      statements: statements.length,
      p50: percentileOf(times, 0.5) ?? 0,
      p95: percentileOf(times, 0.95) ?? 0,
      bareP50: percentileOf(bareTimes, 0.5) ?? 0,
      bareP95: percentileOf(bareTimes, 0.95) ?? 0,
      floor,
    };
  } finally {
    await bare.end();
  }
}

const ms = (x: number) => x.toFixed(2);

runCli(async () => {
  const compare = argValue('compare');
  if (compare) return (await import('./bench-queries-compare')).compareScales(compare);
  await ensureBenchDatabase('large');
  const client = postgres(url, { max: 4, onnotice: () => {} });
  // The app's pool size (DB_POOL_MAX, default 10), as the server would run the pages.
  const handle = await createDb({ url });
  const results: StatementResult[] = [];
  const pages: PageResult[] = [];
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
  try {
    const large = await largeTables(client);
    for (const p of (await pageLoads(handle.db)).filter((x) => !ONLY || x.name.includes(ONLY))) {
      const { statements } = await recordStatements(() => p.load(handle.db));
      const rows = await benchStatements(client, handle.db, p, statements, large);
      results.push(...rows);
      for (const r of rows) console.log(`  ${p.name}: p95 ${r.p95.toFixed(1)} ms${r.seq.length ? ` SEQ SCAN ${r.seq.join(', ')}` : ''}  ${r.sql.slice(0, 60)}`);
      pages.push(await benchPage(client, handle.db, p, statements, large));
      console.log(`  page ${p.name}: ${statements.length} statements, p95 ${pages[pages.length - 1].p95.toFixed(1)} ms at ${READERS} readers`);
    }
  } finally {
    await client.end();
    await handle.close();
  }
  const misses = results.filter((r) => r.p95 > QUERY_P95_BAR_MS);
  const scans = results.filter((r) => r.seq.length);
  const rows: string[] = [
    `Bar: every statement a page sends, p95 ≤ ${QUERY_P95_BAR_MS} ms on \`large\` — ${misses.length ? `❌ ${misses.length} miss${misses.length > 1 ? 'es' : ''}` : '✅ met'}; sequential scans of tables over ${SEQ_SCAN_ROWS.toLocaleString('en')} rows: ${scans.length ? `❌ ${scans.length}` : '✅ none'}.`,
    '',
    '| page | load | statement | × per load | p50 ms | p95 ms | bar (p95) | Postgres execution ms (floor) | seq scans of tables > 10k rows | indexes used |',
    '|---|---|---|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.page} | ${r.load} | \`${r.sql}\` | ${r.n} | ${ms(r.p50)} | ${ms(r.p95)} | ${QUERY_P95_BAR_MS} ${r.p95 <= QUERY_P95_BAR_MS ? '✅' : '❌'} | ${ms(r.floor)} | ${r.seq.length ? `❌ ${r.seq.join(', ')}` : 'none'} | ${r.indexes.join(', ') || '—'} |`,
    );
  }
  rows.push(
    '',
    `### Pages: the whole loader at ${READERS} concurrent readers`,
    '',
    `Each page's loader called by ${READERS} concurrent readers, ${PAGE_LOADS} loads each after ${WARM_UP_LOADS} warm-up loads each, on the app's pool (DB_POOL_MAX): loader-level server time (no HTTP, no React render, no session check). Beside it, the recorded statements replayed as prepared statements, all at once, on the bare postgres.js driver by ${READERS} concurrent readers, and their summed Postgres execution time for one load (EXPLAIN ANALYZE, one caller).`,
    '',
    '| page | statements per load | loader p50 ms | loader p95 ms | bar (p95) | bare driver p50 ms | bare driver p95 ms | Postgres execution ms (one load) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of pages) {
    const bar = `${LOADER_P95_BAR_MS} ${r.p95 <= LOADER_P95_BAR_MS ? '✅' : '❌'}`;
    rows.push(`| ${r.name} | ${r.statements} | ${ms(r.p50)} | ${ms(r.p95)} | ${bar} | ${ms(r.bareP50)} | ${ms(r.bareP95)} | ${ms(r.floor)} |`);
  }
  const runDate = new Date().toISOString();
  const busy = os.loadavg()[0] > os.cpus().length / 2;
  const heading = `Run of ${runDate} — load average ${load} (1 / 5 / 15 min)${busy ? ': run under load (other work on the machine), latencies are upper bounds' : ''}`;
  const header = `## ${heading}\n\nGenerated by \`npm run bench:queries\` — ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; data set: large (${url.replace(/:[^:@/]*@/, ':***@')}). Each page's loader (scripts/bench-queries.pages.ts) ran once under recordStatements; every distinct statement it sent was replayed through the data layer with the same parameters and driver options, ${RUNS} runs one caller at a time after warm-up (6 runs by each of ${READERS} concurrent callers, then 3). The floor is the statement's execution time inside Postgres (EXPLAIN ANALYZE) in the same run.\n\n`;
  const out = header + rows.join('\n') + '\n';
  console.log('\n' + out);
  if (ONLY) return console.log(`(--only ${ONLY}: docs/benchmarks-queries.md not written)`);
  // Newest run first; earlier runs (and their misses) stay below it.
  const file = path.join('docs', 'benchmarks-queries.md');
  const title = '# Page query benchmarks\n\n';
  const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').replace(/^# Page query benchmarks\n\n/, '') : '';
  fs.mkdirSync('docs', { recursive: true });
  fs.writeFileSync(file, title + out + (previous ? `\n---\n\n${previous.startsWith('## Run of') ? '' : '## Earlier run (queries from a hand-kept list; Overview and Tools refreshed roll-ups on read)\n\n'}${previous}` : ''));
  const worst = results.reduce<StatementResult | undefined>((w, r) => (!w || r.p95 > w.p95 ? r : w), undefined);
  recordBarResults('queries', [
    {
      id: 'queries.p95',
      bar: `every page query p95 ≤ ${QUERY_P95_BAR_MS} ms on \`large\``,
      figure: worst
        ? `worst p95 ${ms(worst.p95)} ms (${worst.load}: \`${worst.sql.slice(0, 80)}\`); ${misses.length} of ${results.length} statements over the bar; ${scans.length} with a sequential scan of a table over ${SEQ_SCAN_ROWS.toLocaleString('en')} rows`
        : 'no statements recorded',
      floor: worst ? `its Postgres execution time (EXPLAIN ANALYZE) ${ms(worst.floor)} ms` : '—',
      checks: [{ what: 'worst page statement p95 (ms)', value: worst?.p95 ?? NaN, op: '<=', limit: QUERY_P95_BAR_MS }],
      cause: busy ? `run under load (load average ${load}); misses: ${misses.map((m) => `${m.load} ${ms(m.p95)} ms`).join(', ')}` : misses.length ? `misses: ${misses.map((m) => `${m.load} \`${m.sql.slice(0, 40)}\` ${ms(m.p95)} ms (floor ${ms(m.floor)} ms)`).join(', ')}` : undefined,
      load,
      date: runDate,
      section: `${file} § ${heading}`,
    },
  ]);
});
