import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { argValue, runCli } from './cli';

/**
 * npm run bench — every benchmark of the project, one after the other (they share two cores, so never at once),
 * then docs/benchmarks.md assembled from their tables. Each part compares against the bare driver or the raw SQL
 * floor in the same run; see the part's own header for what it measures.
 */
const parts = [
  { script: 'scripts/bench-db.ts', doc: 'docs/benchmarks-db.md', what: 'data layer overhead (bare postgres.js / bare Drizzle / Drizzle + retry + monitor)' },
  { script: 'scripts/bench-ingest.ts', doc: 'docs/benchmarks-ingest.md', what: 'agent API ingestion through HTTP vs a bare multi-row insert (needs `next build`)' },
  { script: 'scripts/bench-queries.ts', doc: 'docs/benchmarks-queries.md', what: 'page queries on the large data set vs their EXPLAIN ANALYZE floor' },
  // After bench-queries: it creates the large data set the pages are loaded on.
  { script: 'scripts/bench-pages.ts', doc: 'docs/benchmarks-pages.md', what: 'every console page in headless Chromium on the large data set: TTFB, LCP, transfer, first-load JS (needs `next build`)' },
];

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

runCli(async () => {
  const failed: string[] = [];
  // `--only <text>`: run only the parts whose script name contains it, then assemble docs/benchmarks.md from
  // every part's latest doc.
  const only = argValue('only');
  for (const p of parts.filter((x) => !only || x.script.includes(only))) {
    const idle = await settle();
    console.log(`\n=== ${p.script}: ${p.what} (machine ${Math.round(idle * 100)} % idle at the start)`);
    const r = spawnSync(path.resolve('node_modules/.bin/tsx'), [p.script], { stdio: 'inherit', env: process.env });
    if (r.status !== 0) failed.push(p.script);
  }
  const sections = parts
    .filter((p) => fs.existsSync(p.doc))
    .map((p) => `<!-- from ${p.doc} -->\n${fs.readFileSync(p.doc, 'utf8').replace(/^# /, '## ')}`);
  const doc = `# Flightdeck benchmarks\n\nAssembled by \`npm run bench\` on ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end.\n\n${sections.join('\n\n')}\n`;
  fs.writeFileSync('docs/benchmarks.md', doc);
  console.log(`\nWrote docs/benchmarks.md${failed.length ? `; failed parts: ${failed.join(', ')}` : ''}`);
  if (failed.length) process.exitCode = 1;
});
