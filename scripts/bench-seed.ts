import os from 'node:os';
import { benchUrls, ensureBenchDatabase, SEED_TIME } from './bench-queries.lib';
import { argValue, runCli } from './cli';

/**
 * npm run bench:seed -- --scale large|xlarge — creates, migrates and seeds the bench database of that scale
 * (BENCH_LARGE_DATABASE_URL / BENCH_XLARGE_DATABASE_URL, default flightdeck_bench_large / _xlarge), and nothing else;
 * a database that is already seeded is kept. `large` is what bench:queries and bench:pages read; `xlarge` (1M sessions,
 * 10M events, 5M tool executions) is for the growth comparison, `npm run bench:queries -- --compare large,xlarge`.
 * Seeding is heavy (both cores): large about 3 min here (2026-12-07), xlarge 25–60 min.
 */
runCli(async () => {
  const scale = argValue('scale', 'large');
  if (scale !== 'large' && scale !== 'xlarge') throw new Error(`--scale must be large or xlarge, not "${scale}"`);
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  const t0 = Date.now();
  console.log(`${new Date().toISOString()}: ${scale} bench database ${benchUrls[scale].replace(/:[^:@/]*@/, ':***@')} (a seed takes ${SEED_TIME[scale]}); load average ${load()}`);
  await ensureBenchDatabase(scale);
  console.log(`${new Date().toISOString()}: ready after ${((Date.now() - t0) / 60_000).toFixed(1)} min; load average ${load()}`);
});
