import { randomUUID } from 'node:crypto';
import { createDb, queryRows } from '@/lib/db/client';
import { ingestToolExecutionsOnce } from '@/lib/tools/ingest';
import { signOfLifeUpdate } from '@/lib/sessions/heartbeats';
import { sql } from 'drizzle-orm';
const [name, sid] = process.argv.slice(2);
const handle = await createDb({ url: `postgres://postgres@127.0.0.1:5432/${name}`, poolMax: 1 });
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) * p / 100)];
const row = () => [{ execution_id: randomUUID(), user_id: 'u', tool_name: 't', success: true, session_id: sid, execution_time_ms: 1, context: {} }];
const variants: Record<string, () => Promise<unknown>> = {
  full: () => ingestToolExecutionsOnce(handle.db, { principal: 'x', key: randomUUID(), method: 'POST', path: '/p', requestHash: 'h', executions: [{ userId: 'u', toolName: 't', success: true, sessionId: sid, executionId: randomUUID() }], batch: false }),
  fnOnce: () => queryRows(handle.db, sql`SELECT fd_ingest_tool_executions_once('x', ${randomUUID()}, 'POST', '/p', 'h', ${JSON.stringify(row())}::jsonb, false) AS r`, { prepare: true }),
  fn: () => queryRows(handle.db, sql`SELECT fd_ingest_tool_executions(${JSON.stringify(row())}::jsonb) AS r`, { prepare: true }),
  touch: () => queryRows(handle.db, signOfLifeUpdate({ ids: [sid] }), { prepare: true }),
  select1: () => queryRows(handle.db, sql`SELECT 1`, { prepare: true }),
};
for (let round = 0; round < 2; round++) {
  const out: string[] = [];
  for (const [k, f] of Object.entries(variants)) {
    const t: number[] = [];
    for (let i = 0; i < 300; i++) { const s = performance.now(); await f(); t.push(performance.now() - s); await new Promise((r) => setTimeout(r, 5)); }
    out.push(`${k} p50 ${pct(t, 50).toFixed(2)} p95 ${pct(t, 95).toFixed(2)}`);
  }
  console.log(out.join(' | '));
}
await handle.close();
