import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { seed, seedScales, type SeedScale } from '@/lib/seed';
import { env } from '@/lib/env';
import { argValue, hasFlag, runCli } from './cli';

runCli(async () => {
  const scale = argValue('scale', 'demo') as SeedScale;
  if (!seedScales.includes(scale)) throw new Error(`Unknown --scale "${scale}": use ${seedScales.join(' or ')}.`);
  const handle = await createDb({ url: env().DATABASE_URL, applicationName: 'flightdeck-seed' });
  try {
    await migrate(handle.db);
    console.log(`Seeding ${scale} data into ${handle.label} …`);
    const result = await seed(handle.db, { scale, force: hasFlag('force'), embedded: handle.kind === 'pglite', log: (line) => console.log(line) }).catch(
      (err: Error & { cause?: Error }) => {
        // Drizzle's message is the whole generated statement; the driver's reason is what helps.
        throw err.cause instanceof Error ? err.cause : err;
      },
    );
    if (!result.ok) {
      throw new Error(
        `${handle.label} already has ${result.sessions} session(s); not seeding. Use --force to add ${scale} data anyway.`,
      );
    }
    console.log(`\nDone in ${(result.elapsedMs / 1000).toFixed(1)} s. Rows now in the database:`);
    for (const [table, n] of Object.entries(result.counts)) console.log(`  ${table.padEnd(24)} ${String(n).padStart(10)}`);
    if (result.benchmark) {
      const b = result.benchmark;
      console.log(`\nBenchmark fixtures (agent_sessions.metadata->>'benchmark'):`);
      console.log(`  detail-1000-200   session ${b.detailSessionId}`);
      console.log(`  checkpoint-5mb    session ${b.bigCheckpointSessionId}, checkpoint ${b.bigCheckpointId} (${(b.bigCheckpointBytes / 1e6).toFixed(1)} MB)`);
    }
  } finally {
    await handle.close();
  }
});
