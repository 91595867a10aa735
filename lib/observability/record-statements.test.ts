import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachDb } from '@/lib/test/db';
import { queryRows } from '@/lib/db/client';
import { recordStatements } from './instrument';

/** recordStatements: what `npm run bench:queries` times and page tests count. */
describeEachDb('recordStatements', (t) => {
  it('records every statement sent in its async context (plain, prepared, in a transaction) and nothing from outside', async () => {
    const db = t().db;
    // A concurrent request: started outside the recorded context, it sends while the recording runs.
    const outside = new Promise((resolve) => setImmediate(resolve)).then(() => db.execute(sql`SELECT 'from outside'`));
    const { result, statements } = await recordStatements(async () => {
      const [a] = await queryRows<{ n: number }>(db, sql`SELECT ${41}::int + 1 AS n`);
      const [b] = await queryRows<{ n: number }>(db, sql`SELECT ${1}::int AS n /* prepared */`, { prepare: true });
      await db.transaction(async (tx) => {
        await tx.execute(sql`SELECT 'in a transaction'`);
      });
      return Number(a.n) + Number(b.n);
    });
    await outside;
    expect(result).toBe(43);
    const texts = statements.map((s) => s.text.replace(/\s+/g, ' '));
    expect(texts.filter((s) => !/^(begin|commit)/i.test(s))).toEqual([
      'SELECT $1::int + 1 AS n',
      'SELECT $1::int AS n /* prepared */',
      "SELECT 'in a transaction'",
    ]);
    expect(statements[0].params).toEqual([41]);
    expect(texts.some((s) => s.includes('from outside'))).toBe(false);
  });
});
