import type { Db } from '@/lib/db/client';
import { usageRecords } from '@/lib/db/schema';

export type UsageInput = {
  usageId: string;
  sessionId: string | null;
  project: string;
  model?: string | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  cost?: number | null;
  source: string;
};

/** Usage reports in one statement; the usage id is the natural key, so a replayed report counts as a duplicate. */
export async function recordUsage(db: Db, input: { records: UsageInput[] }): Promise<{ inserted: number; duplicates: number }> {
  if (!input.records.length) return { inserted: 0, duplicates: 0 };
  const rows = await db
    .insert(usageRecords)
    .values(
      input.records.map((r) => ({
        usageId: r.usageId.toLowerCase(),
        sessionId: r.sessionId,
        project: r.project,
        model: r.model ?? null,
        inputTokens: r.inputTokens ?? 0,
        outputTokens: r.outputTokens ?? 0,
        cost: r.cost ?? null,
        source: r.source,
      })),
    )
    .onConflictDoNothing({ target: usageRecords.usageId })
    .returning({ id: usageRecords.id });
  return { inserted: rows.length, duplicates: input.records.length - rows.length };
}
