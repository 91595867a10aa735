import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoteHeadings } from './bench-doc-sections';

/**
 * Bar results of the benchmarks, for the summary at the top of docs/benchmarks.md (scripts/bench.ts).
 *
 * Each benchmark, when it writes its doc, also records the bars it measured in docs/bench-results/<part>.json
 * (merged by bar id: a run replaces the entries of the bars it measured and leaves the others). An entry holds
 * the figure and its floor from the same run as text, the checks with the limits from the benchmark's own
 * constants, the load average and the doc section the figures come from. PASS / MISS is derived from the checks
 * here (summaryRows), so the summary and the recorded numbers cannot disagree.
 */

export const RESULTS_DIR = 'docs/bench-results';

/** One comparison of a measured value with a bar's limit (limit from the benchmark's constants, never lowered). */
export type BarCheck = { what: string; value: number; op: '<=' | '>='; limit: number };

export type BarResult = {
  /** Stable key, as in ISSUE_BARS (e.g. 'ingest.ratio'); an id not there is an older issue's bar. */
  id: string;
  /** The bar as the benchmark states it (for bars not in ISSUE_BARS, the summary shows this). */
  bar: string;
  /** The measured figure(s), as text. */
  figure: string;
  /** Its floor from the same run, as text. */
  floor: string;
  checks: BarCheck[];
  /** Why it missed, as far as the run can tell (printed beside a MISS). */
  cause?: string;
  /** Load average 1 / 5 / 15 min during the run. */
  load: string;
  /** ISO time of the run. */
  date: string;
  /** The doc and heading the figures come from: `docs/benchmarks-x.md § heading`. */
  section: string;
};

export type PartResults = { part: string; bars: BarResult[] };

/** When the results files were introduced: a bar with no result says it has not run since. */
export const RESULTS_SINCE = 'docs/bench-results/ began (2026-12-07)';

/** Every bar of issues 18 and 26, as written in the issues, and the part (and command) that measures it. */
export const ISSUE_BARS: Array<{ id: string; issue: number; bar: string; part: string; doc?: string; note?: string }> = [
  { id: 'ingest.ratio', issue: 18, bar: 'batched ingest ≥ 0.6× the bare postgres.js insert in the same run', part: 'ingest', doc: 'docs/benchmarks-ingest.md' },
  { id: 'ingest.events', issue: 18, bar: '… and ≥ 20,000 events/s', part: 'ingest', doc: 'docs/benchmarks-ingest.md' },
  { id: 'ingest.p95-50', issue: 18, bar: 'single tool-execution POST p95 ≤ 10 ms at 50 req/s, and report 100 and 200 req/s beside it', part: 'ingest', doc: 'docs/benchmarks-ingest.md' },
  { id: 'pages.p95', issue: 18, bar: 'every console page at 10 readers: p95 ≤ 150 ms full HTTP', part: 'pages-load', doc: 'docs/benchmarks-pages.md' },
  { id: 'pages.cpu', issue: 18, bar: 'CPU per view ≤ 2× the floor route', part: 'pages-load', doc: 'docs/benchmarks-pages.md' },
  { id: 'queries.p95', issue: 18, bar: 'every page query p95 ≤ 20 ms on `large`', part: 'queries', doc: 'docs/benchmarks-queries.md' },
  { id: 'queries.growth', issue: 18, bar: 'xlarge/large ≤ 1.5×', part: 'growth', doc: 'docs/benchmarks-queries.md' },
  { id: 'fleet.one', issue: 26, bar: 'one instance: 3,000 agents with heartbeat p95 ≤ 100 ms and no errors', part: 'fleet-3000x1', doc: 'docs/benchmarks-fleet.md' },
  { id: 'fleet.two', issue: 26, bar: 'two instances: 5,000', part: 'fleet-5000x2', doc: 'docs/benchmarks-fleet.md' },
  { id: 'fleet.cpu', issue: 26, bar: "hot-path CPU per request ≤ 1.5× the floor route's, measured in the same run", part: 'fleet (every run)', doc: 'docs/benchmarks-fleet.md' },
  { id: 'fleet.token', issue: 26, bar: 'one shared token for the whole fleet: no 429 for a well-behaved fleet of 5,000 agents', part: 'fleet-5000x2', doc: 'docs/benchmarks-fleet.md' },
  {
    id: 'fleet.runaway',
    issue: 26,
    bar: 'a single agent looping as fast as it can is throttled',
    part: '—',
    note: "a test, not a benchmark: lib/auth/rate-limit.test.ts ('an agent looping on its session is throttled …')",
  },
];

export type SummaryRow = {
  issue: string;
  bar: string;
  figure: string;
  floor: string;
  verdict: 'PASS' | 'MISS' | '—';
  load: string;
  date: string;
  section: string;
};

export function checkHolds(c: BarCheck) {
  return Number.isFinite(c.value) && (c.op === '<=' ? c.value <= c.limit : c.value >= c.limit);
}

export function verdictOf(r: BarResult): 'PASS' | 'MISS' {
  return r.checks.length > 0 && r.checks.every(checkHolds) ? 'PASS' : 'MISS';
}

/**
 * The summary rows: every bar of ISSUE_BARS with its latest result (by date, over all parts), then any other
 * recorded bar (older issues). A bar with no result says which part measures it, that it has not run since
 * `since`, and why its part was skipped if it was (`skipped`: part name → reason).
 */
export function summaryRows(parts: PartResults[], opts: { since?: string; skipped?: Record<string, string> } = {}): SummaryRow[] {
  const since = opts.since ?? RESULTS_SINCE;
  const latest = new Map<string, BarResult>();
  for (const p of parts) {
    for (const r of p.bars) {
      const seen = latest.get(r.id);
      if (!seen || r.date > seen.date) latest.set(r.id, r);
    }
  }
  const row = (issue: string, bar: string, r: BarResult): SummaryRow => {
    const verdict = verdictOf(r);
    return {
      issue,
      bar,
      figure: r.figure,
      floor: r.floor,
      verdict,
      load: r.load,
      date: r.date,
      section: verdict === 'MISS' && r.cause ? `${r.section} — cause: ${r.cause}` : r.section,
    };
  };
  const rows: SummaryRow[] = ISSUE_BARS.map((b) => {
    const r = latest.get(b.id);
    if (r) return row(String(b.issue), b.bar, r);
    return {
      issue: String(b.issue),
      bar: b.bar,
      figure:
        b.note ??
        `not run since ${since} — part \`${b.part}\`${opts.skipped?.[b.part] ? ', skipped in the last `npm run bench` (see the note above the table)' : ''}${b.doc ? `; earlier runs in ${b.doc}` : ''}`,
      floor: '—',
      verdict: '—',
      load: '—',
      date: '—',
      section: '—',
    };
  });
  const known = new Set(ISSUE_BARS.map((b) => b.id));
  const others = [...latest.values()].filter((r) => !known.has(r.id)).sort((a, b) => a.id.localeCompare(b.id));
  return [...rows, ...others.map((r) => row('earlier', r.bar, r))];
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function summaryTable(rows: SummaryRow[]) {
  return [
    '| issue | bar (as written in the issue) | latest figure | its floor, same run | result | load average (1 / 5 / 15 min) | date | from |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${[r.issue, r.bar, r.figure, r.floor, r.verdict, r.load, r.date, r.section].map(cell).join(' | ')} |`),
  ].join('\n');
}

/** Every docs/bench-results/*.json (a file that does not parse is reported, not fatal). */
export function readPartResults(dir = RESULTS_DIR): { parts: PartResults[]; problems: string[] } {
  const parts: PartResults[] = [];
  const problems: string[] = [];
  if (!fs.existsSync(dir)) return { parts, problems };
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    try {
      const data = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as PartResults;
      if (!Array.isArray(data.bars)) throw new Error('no "bars" array');
      parts.push(data);
    } catch (err) {
      problems.push(`${dir}/${f}: ${(err as Error).message}`);
    }
  }
  return { parts, problems };
}

/** Records a run's bars in docs/bench-results/<part>.json: entries of the same id are replaced, the others kept. */
export function recordBarResults(part: string, bars: BarResult[], dir = RESULTS_DIR) {
  const file = path.join(dir, `${part}.json`);
  let old: BarResult[] = [];
  try {
    old = (JSON.parse(fs.readFileSync(file, 'utf8')) as PartResults).bars ?? [];
  } catch {
    // none yet (or unreadable: replaced)
  }
  const ids = new Set(bars.map((b) => b.id));
  const next: PartResults = { part, bars: [...old.filter((b) => !ids.has(b.id)), ...bars].sort((a, b) => a.id.localeCompare(b.id)) };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
  console.log(`bar results: ${file} (${bars.map((b) => `${b.id} ${verdictOf(b)}`).join(', ')})`);
}

/** The load average now, 1 / 5 / 15 min. */
export const loadNow = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');

/**
 * docs/benchmarks.md: a header, the summary of the bars (with the notes: skipped parts, failed parts, unreadable
 * results), then every part's doc with its headings one level down.
 */
export function assembleBenchmarksDoc(input: { header: string; rows: SummaryRow[]; notes: string[]; docs: Array<{ file: string; text: string }> }) {
  const sections = input.docs.map((d) => `<!-- from ${d.file} -->\n${demoteHeadings(d.text).trimEnd()}\n`);
  return [
    '# Flightdeck benchmarks',
    '',
    input.header,
    '',
    '## Summary: the bars of issues 18 and 26',
    '',
    'Generated by `npm run bench` from docs/bench-results/*.json, which each benchmark writes beside its doc: for every bar, ' +
      'the latest run that measured it (whatever its load — see the load column), its floor from the same run, and PASS / MISS ' +
      'from the recorded figures against the limits in the benchmark code. Rows below the issues\' bars are earlier issues\' bars.',
    '',
    ...input.notes.flatMap((n) => [`- ${n}`]),
    ...(input.notes.length ? [''] : []),
    summaryTable(input.rows),
    '',
    ...sections,
  ].join('\n');
}
