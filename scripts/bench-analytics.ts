import { analyticsBenchCases } from './bench-analytics.cases';
import { refreshRollups } from '@/lib/analytics/rollups';
import { createDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { argValue, runCli } from './cli';

/**
 * Times every Overview/Tools query (p50/p95 over --runs, default 50) against DATABASE_URL, roll-up and raw side
 * by side. Seed first: `npm run db:seed -- --scale large`.
 */
runCli(async () => {
  const runs = Number(argValue('runs', '50'));
  const rangeKey = (argValue('range', '30d') ?? '30d') as '24h' | '7d' | '30d';
  const handle = await createDb({ url: env().DATABASE_URL, applicationName: 'flightdeck-bench' });
  try {
    let r = await refreshRollups(handle.db);
    while (r.ok && r.marks > 0) r = await refreshRollups(handle.db);
    const cases = await analyticsBenchCases(handle.db, rangeKey);
    console.log(`${handle.label}, range ${rangeKey}, ${runs} runs each\n`);
    console.log(`${'query'.padEnd(42)} ${'group'.padEnd(7)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}`);
    for (const c of cases) {
      await c.run(handle.db);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await c.run(handle.db);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
      console.log(`${c.name.padEnd(42)} ${c.group.padEnd(7)} ${q(0.5).padStart(8)} ${q(0.95).padStart(8)}`);
    }
  } finally {
    await handle.close();
  }
});
