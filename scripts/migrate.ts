import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { env } from '@/lib/env';
import { runCli } from './cli';

runCli(async () => {
  const handle = await createDb({ url: env().DATABASE_URL });
  try {
    const result = await migrate(handle.db);
    console.log(
      result.applied.length
        ? `Applied ${result.applied.length} migration(s) to ${handle.label}: ${result.applied.join(', ')}`
        : `${handle.label} is up to date (${result.alreadyApplied} migrations).`,
    );
  } finally {
    await handle.close();
  }
});
