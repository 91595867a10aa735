import postgres from 'postgres';
import { randomUUID } from 'node:crypto';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { createSession } from '@/lib/sessions/commands';
import { ingestToolExecutionsOnce } from '@/lib/tools/ingest';
import { sql } from 'drizzle-orm';
const name = `fd_probe_${Date.now().toString(36)}`;
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
await admin.unsafe(`CREATE DATABASE ${name}`);
const handle = await createDb({ url: `postgres://postgres@127.0.0.1:5432/${name}`, poolMax: 4 });
await migrate(handle.db);
const { session } = await createSession(handle.db, { project: 'p', agentName: 'a' });
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) * p / 100)];
for (const round of [0, 1]) {
  const once: number[] = []; const one: number[] = [];
  for (let i = 0; i < 1000; i++) {
    let s = performance.now();
    await ingestToolExecutionsOnce(handle.db, { principal: 'x', key: randomUUID(), method: 'POST', path: '/p', requestHash: 'h', executions: [{ userId: 'u', toolName: 't', success: true, sessionId: session.id, executionId: randomUUID() }], batch: false });
    once.push(performance.now() - s);
    s = performance.now();
    await handle.db.execute(sql`SELECT 1`);
    one.push(performance.now() - s);
    await new Promise((r) => setTimeout(r, 20));
  }
  console.log(`round ${round}: ingestOnce p50 ${pct(once, 50).toFixed(2)} p95 ${pct(once, 95).toFixed(2)}; SELECT 1 p50 ${pct(one, 50).toFixed(2)} p95 ${pct(one, 95).toFixed(2)}`);
}
await handle.close();
console.log(name, session.id);
await admin.end();
