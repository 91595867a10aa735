import { guardedRoute } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { iterateInterventionHistory } from '@/lib/interventions/queries';
import { firstValues, historyFilterSchema } from '@/lib/interventions/schemas';

export const dynamic = 'force-dynamic';

const columns = [
  'id', 'session_id', 'project', 'agent_name', 'pause_type', 'reason', 'paused_at', 'resolution', 'resolved_by',
  'resolved_at', 'resolution_seconds', 'resolution_note', 'action_count',
] as const;

/** Quotes a CSV cell; a leading = + - @ is neutralised so a spreadsheet never runs it as a formula. */
function cell(v: unknown) {
  if (v === null || v === undefined) return '';
  let s = v instanceof Date ? v.toISOString() : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The history with the page's filters as CSV, streamed page by page (keyset) so memory stays flat. */
export const GET = guardedRoute({ permission: 'console:read' }, async ({ request }) => {
  const params = firstValues(Object.fromEntries(new URL(request.url).searchParams));
  const filter = historyFilterSchema.parse(params);
  const db = await getDb();
  const rows = iterateInterventionHistory(db, filter);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${columns.join(',')}\n`));
    },
    async pull(controller) {
      const batch: string[] = [];
      for (let i = 0; i < 200; i++) {
        const next = await rows.next();
        if (next.done) {
          if (batch.length) controller.enqueue(encoder.encode(batch.join('')));
          controller.close();
          return;
        }
        const r = next.value as unknown as Record<string, unknown>;
        batch.push(`${columns.map((c) => cell(r[c])).join(',')}\n`);
      }
      controller.enqueue(encoder.encode(batch.join('')));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="interventions-${stamp}.csv"`,
      'cache-control': 'no-store',
    },
  });
});
