/**
 * The `large` benchmark database, shared by npm run bench:queries and bench:pages: BENCH_LARGE_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/flightdeck_bench_large. A missing database is created and seeded with
 * `--scale large` first (about 5 minutes here); it is kept for later runs. The work is bench-queries.lib's.
 */
import { benchUrls, ensureBenchDatabase } from './bench-queries.lib';

export const largeDbUrl = benchUrls.large;

export function ensureLargeDatabase() {
  return ensureBenchDatabase('large');
}
