import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/lib/db/client';
import { describeEachDb } from '@/lib/test/db';
import { pruneToolHistory } from './retention';

describeEachDb('tool history retention', (t) => {
  it('deletes only rows older than the retention period, in batches', async () => {
    const db = t().db;
    const now = new Date('2026-06-01T00:00:00Z');
    const ages = [1, 10, 89, 91, 100, 200, 365];
    const values = ages.flatMap((d) =>
      [0, 1, 2].map((k) => sql`('u', ${`tool-${k}`}, true, 5, ${new Date(now.getTime() - d * 86_400_000).toISOString()}::timestamptz)`),
    );
    await db.execute(sql`INSERT INTO user_tool_history (user_id, tool_name, success, execution_time_ms, created_at)
      VALUES ${sql.join(values, sql`, `)}`);

    const first = await pruneToolHistory(db, { retentionDays: 90, batchSize: 2, maxBatches: 2, now });
    expect(first).toEqual({ deleted: 4, more: true });
    const rest = await pruneToolHistory(db, { retentionDays: 90, batchSize: 2, now });
    expect(rest).toEqual({ deleted: 8, more: false });
    const left = await queryRows<{ age: number }>(
      db,
      sql`SELECT DISTINCT round(extract(epoch FROM ${now.toISOString()}::timestamptz - created_at) / 86400)::int AS age
          FROM user_tool_history ORDER BY 1`,
    );
    expect(left.map((r) => Number(r.age))).toEqual([1, 10, 89]);
  });
});
