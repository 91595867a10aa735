import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { earlierRuns } from './bench-doc-sections';
import { loadBarResults, type LoadResult } from './bench-pages-load';
import { assembleBenchmarksDoc, ISSUE_BARS, readPartResults, recordBarResults, summaryRows, summaryTable, type BarResult } from './bench-results';

const result = (over: Partial<BarResult> & Pick<BarResult, 'id'>): BarResult => ({
  bar: over.id,
  figure: 'figure',
  floor: 'floor',
  checks: [],
  load: '1.00 / 1.00 / 1.00',
  date: '2026-12-07T10:00:00.000Z',
  section: 'docs/benchmarks-x.md § Run',
  ...over,
});

const rowOf = (rows: ReturnType<typeof summaryRows>, bar: string) => rows.find((r) => r.bar === bar)!;
const issueBar = (id: string) => ISSUE_BARS.find((b) => b.id === id)!.bar;

describe('benchmark summary', () => {
  it('lists every bar of issues 18 and 26 as written, with PASS or MISS from the recorded checks', () => {
    const rows = summaryRows([
      {
        part: 'ingest',
        bars: [
          result({ id: 'ingest.ratio', figure: '0.61×', floor: 'bare unnest 52,822 events/s', checks: [{ what: 'ratio', value: 0.61, op: '>=', limit: 0.6 }] }),
          result({ id: 'ingest.p95-50', figure: '50 req/s: p95 68.47 ms', checks: [{ what: 'p95', value: 68.47, op: '<=', limit: 10 }], cause: 'run under load (load average 7.2 on 2 cores)' }),
        ],
      },
    ]);
    expect(rows.slice(0, ISSUE_BARS.length).map((r) => r.bar)).toEqual(ISSUE_BARS.map((b) => b.bar));
    expect(rowOf(rows, 'batched ingest ≥ 0.6× the bare postgres.js insert in the same run')).toMatchObject({
      issue: '18',
      figure: '0.61×',
      floor: 'bare unnest 52,822 events/s',
      verdict: 'PASS',
      load: '1.00 / 1.00 / 1.00',
      date: '2026-12-07T10:00:00.000Z',
      section: 'docs/benchmarks-x.md § Run',
    });
    const miss = rowOf(rows, issueBar('ingest.p95-50'));
    expect(miss.verdict).toBe('MISS');
    expect(miss.section).toContain('cause: run under load (load average 7.2 on 2 cores)');
  });

  it('a bar is a MISS when any check fails, at the limit it passes, and a figure that is not a number is a MISS', () => {
    const rows = summaryRows([
      {
        part: 'fleet',
        bars: [
          result({ id: 'fleet.one', checks: [{ what: 'p95', value: 99, op: '<=', limit: 100 }, { what: 'errors', value: 3, op: '<=', limit: 0 }] }),
          result({ id: 'fleet.cpu', checks: [{ what: 'ratio', value: 1.5, op: '<=', limit: 1.5 }] }),
          result({ id: 'fleet.token', checks: [{ what: '429', value: NaN, op: '<=', limit: 0 }] }),
          result({ id: 'fleet.two', checks: [] }),
        ],
      },
    ]);
    expect(rowOf(rows, issueBar('fleet.one')).verdict).toBe('MISS');
    expect(rowOf(rows, issueBar('fleet.cpu')).verdict).toBe('PASS');
    expect(rowOf(rows, issueBar('fleet.token')).verdict).toBe('MISS');
    expect(rowOf(rows, issueBar('fleet.two')).verdict).toBe('MISS');
  });

  it('takes the latest run of a bar over all parts, and says which bars have not run since the change', () => {
    const rows = summaryRows(
      [
        { part: 'a', bars: [result({ id: 'pages.p95', figure: 'old', date: '2026-12-07T09:00:00.000Z', checks: [{ what: 'p95', value: 90, op: '<=', limit: 150 }] })] },
        { part: 'b', bars: [result({ id: 'pages.p95', figure: 'new', date: '2026-12-07T11:00:00.000Z', checks: [{ what: 'p95', value: 455, op: '<=', limit: 150 }] })] },
      ],
      { since: 'the JSON results', skipped: { growth: 'the database flightdeck_bench_xlarge does not exist' } },
    );
    expect(rowOf(rows, issueBar('pages.p95'))).toMatchObject({ figure: 'new', verdict: 'MISS' });
    const never = rowOf(rows, issueBar('queries.p95'));
    expect(never).toMatchObject({ verdict: '—', load: '—', date: '—' });
    expect(never.figure).toBe('not run since the JSON results — part `queries`; earlier runs in docs/benchmarks-queries.md');
    expect(rowOf(rows, issueBar('queries.growth')).figure).toContain('part `growth`, skipped in the last `npm run bench` (see the note above the table)');
    expect(rowOf(rows, issueBar('fleet.runaway')).figure).toContain('lib/auth/rate-limit.test.ts');
  });

  it('puts bars of earlier issues below the issues\' bars', () => {
    const rows = summaryRows([{ part: 'db', bars: [result({ id: 'db.acquire', bar: 'acquisition wait p95 ≤ 50 ms', checks: [{ what: 'p95', value: 10.8, op: '<=', limit: 50 }] })] }]);
    expect(rows).toHaveLength(ISSUE_BARS.length + 1);
    expect(rows[rows.length - 1]).toMatchObject({ issue: 'earlier', bar: 'acquisition wait p95 ≤ 50 ms', verdict: 'PASS' });
  });

  it('renders a markdown table, pipes in figures escaped', () => {
    const table = summaryTable(summaryRows([{ part: 'q', bars: [result({ id: 'queries.p95', figure: 'worst `a | b` 21 ms', checks: [{ what: 'p95', value: 21, op: '<=', limit: 20 }] })] }]));
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^\| issue \| bar \(as written in the issue\) \| latest figure \| its floor, same run \| result \| load average/);
    expect(lines).toHaveLength(2 + ISSUE_BARS.length);
    const row = lines.find((l) => l.includes('every page query p95'))!;
    expect(row).toContain('worst `a \\| b` 21 ms');
    expect(row).toContain('| MISS |');
  });

  it('assembles docs/benchmarks.md: summary first, then each doc with its headings one level down', () => {
    const doc = assembleBenchmarksDoc({
      header: 'Assembled on a day.',
      rows: summaryRows([]),
      notes: ['**growth skipped**: no xlarge.'],
      docs: [{ file: 'docs/benchmarks-db.md', text: '# Data-layer benchmark\n\n## Run of today\n\n```sh\n# not a heading\n```\n' }],
    });
    expect(doc.startsWith('# Flightdeck benchmarks\n\nAssembled on a day.\n\n## Summary: the bars of issues 18 and 26')).toBe(true);
    expect(doc.indexOf('- **growth skipped**: no xlarge.')).toBeLessThan(doc.indexOf('| issue |'));
    expect(doc.indexOf('| issue |')).toBeLessThan(doc.indexOf('<!-- from docs/benchmarks-db.md -->'));
    expect(doc).toContain('\n## Data-layer benchmark\n');
    expect(doc).toContain('\n### Run of today\n');
    expect(doc).toContain('\n# not a heading\n');
  });

  it('records a run\'s bars beside the other bars of the part, replacing only those it measured', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
    recordBarResults('fleet', [result({ id: 'fleet.cpu', figure: 'first' }), result({ id: 'fleet.one', figure: 'one' })], dir);
    recordBarResults('fleet', [result({ id: 'fleet.cpu', figure: 'second' })], dir);
    fs.writeFileSync(path.join(dir, 'broken.json'), '{');
    const { parts, problems } = readPartResults(dir);
    expect(parts).toHaveLength(1);
    expect(parts[0].bars.map((b) => [b.id, b.figure])).toEqual([
      ['fleet.cpu', 'second'],
      ['fleet.one', 'one'],
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('broken.json');
  });
});

describe('bars of the pages load part', () => {
  it('judges the worst page against each bar beside the floor route of the same run', () => {
    const floor: LoadResult = { name: 'floor', path: '/bench-floor', views: 400, errors: [], p50: 40, p95: 80, cpuMs: 10, mainMs: 8, pgCpuMs: 2, clientCpuMs: 3, load: '1 / 1 / 1' };
    const page = (name: string, p95: number, cpuMs: number, errors: string[] = []): LoadResult => ({ ...floor, name, path: `/${name}`, p95, cpuMs, errors });
    const meta = { date: '2026-12-07T12:00:00.000Z', loadStart: '1.0 / 1.0 / 1.0', section: 'docs/benchmarks-pages.md § At 10 readers, full HTTP (run x)' };
    const met = summaryRows([{ part: 'pages-load', bars: loadBarResults({ pages: [page('Sessions', 150, 20), page('Tools', 120, 19)], floor }, meta) }]);
    expect(rowOf(met, issueBar('pages.p95'))).toMatchObject({ verdict: 'PASS', floor: 'floor route /bench-floor p50 / p95 40 / 80 ms' });
    expect(rowOf(met, issueBar('pages.p95')).figure).toContain('worst p95 150 ms (Sessions); 0 of 2 pages over the bar');
    expect(rowOf(met, issueBar('pages.cpu'))).toMatchObject({ verdict: 'PASS', floor: 'floor route /bench-floor 10.0 ms CPU per view over the run' });
    expect(rowOf(met, issueBar('pages.cpu')).figure).toContain('worst 2.00× (Sessions, 20.0 ms per view)');

    const missed = summaryRows([{ part: 'pages-load', bars: loadBarResults({ pages: [page('Sessions', 151, 21), page('Tools', 90, 12, ['fetch failed'])], floor }, meta) }]);
    expect(rowOf(missed, issueBar('pages.p95')).verdict).toBe('MISS');
    expect(rowOf(missed, issueBar('pages.p95')).section).toContain('cause: 2 of 2 pages (Sessions, Tools)');
    expect(rowOf(missed, issueBar('pages.cpu')).verdict).toBe('MISS');
    expect(rowOf(missed, issueBar('pages.cpu')).section).toContain('cause: 1 of 2 pages (Sessions)');
  });
});

describe('earlier runs of a benchmark doc', () => {
  it('keeps every "## " section below the title and the notes', () => {
    expect(earlierRuns('# T\n\nintro\n\n## Run 2\n\nb\n\n## Run 1\n\na\n')).toBe('## Run 2\n\nb\n\n## Run 1\n\na\n');
  });

  it('turns a doc from before runs were kept into one run, headed by its date, without the closing paragraph', () => {
    const old = '# Data-layer benchmark\n\nProduced by …\n\n2026-11-27, 2 cores, …\n\n| table |\n\n- PASS\n\nThe machine is shared (other processes …)\nbetween runs.\n';
    expect(earlierRuns(old, /\n*The machine is shared[\s\S]*$/)).toBe('## Run of 2026-11-27 (written before runs were kept beside each other)\n\n2026-11-27, 2 cores, …\n\n| table |\n\n- PASS\n');
    expect(earlierRuns('')).toBe('');
  });
});
