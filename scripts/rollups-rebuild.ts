import { rebuildRollups } from '@/lib/analytics/rollups';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { env } from '@/lib/env';
import { runCli } from './cli';

/** `npm run rollups:rebuild`: recomputes every Overview/Tools roll-up from the raw rows. */
runCli(async () => {
  const handle = await createDb({ url: env().DATABASE_URL, applicationName: 'flightdeck-rollups' });
  try {
    await migrate(handle.db);
    const started = Date.now();
    const { rows } = await rebuildRollups(handle.db);
    console.log(`Rebuilt roll-ups on ${handle.label} in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
    for (const [table, n] of Object.entries(rows)) console.log(`  ${table.padEnd(22)} ${String(n).padStart(8)} rows`);
  } finally {
    await handle.close();
  }
});
