import { guardedRoute } from '@/lib/auth/guards';
import { csvHeaders, csvStream, isoUtc, type CsvValue } from '@/lib/csv';
import { getReadDb } from '@/lib/db/replica';
import { iterateInterventionHistory } from '@/lib/interventions/queries';
import { firstValues, historyFilterSchema } from '@/lib/interventions/schemas';

export const dynamic = 'force-dynamic';

const columns = [
  'id', 'session_id', 'project', 'agent_name', 'pause_type', 'reason', 'paused_at', 'resolution', 'resolved_by',
  'resolved_at', 'resolution_seconds', 'resolution_note', 'action_count',
] as const;
const timestamps = new Set<string>(['paused_at', 'resolved_at']);

/** The history with the page's filters as CSV, streamed page by page (keyset) so memory stays flat. */
export const GET = guardedRoute({ permission: 'console:read' }, async ({ request }) => {
  const params = firstValues(Object.fromEntries(new URL(request.url).searchParams));
  const filter = historyFilterSchema.parse(params);
  const history = iterateInterventionHistory(await getReadDb(), filter);
  async function* rows() {
    for await (const row of history) {
      const r = row as unknown as Record<string, CsvValue>;
      yield columns.map((c) => (timestamps.has(c) ? isoUtc(r[c] as Date | string | null) : r[c]));
    }
  }
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(csvStream(columns, rows()), { headers: csvHeaders(`interventions-${stamp}.csv`) });
});
