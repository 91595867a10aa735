import { parseTimeRange } from '@/lib/analytics/range';
import { guardedRoute } from '@/lib/auth/guards';
import { iterateRecoveries } from '@/lib/checkpoints/recovery-queries';
import { csvHeaders, csvStream, isoUtc } from '@/lib/csv';
import { getReadDb } from '@/lib/db/replica';
import { recoveryStatuses, type RecoveryStatus } from '@/lib/db/schema/enums';
import { AppError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

const columns = [
  'id', 'session_id', 'project', 'agent_name', 'checkpoint_sequence', 'recovery_method', 'recovery_status',
  'started_at', 'completed_at', 'duration_seconds', 'initiated_by', 'error',
] as const;

/**
 * The Recoveries page's history as CSV: the recoveries started in the page's range (the same `range` / `from` /
 * `to` parameters as the picker, 30 days by default; `days=7|30|90` is the short form), with its status filter,
 * newest first, streamed page by page. A range the page would replace with another (with a notice) is a 400 here.
 */
export const GET = guardedRoute({ permission: 'console:read' }, async ({ request }) => {
  const sp = new URL(request.url).searchParams;
  const days = sp.get('days');
  const status = sp.get('status') || undefined;
  if (days !== null) {
    if (!['7', '30', '90'].includes(days)) throw new AppError('bad_request', 'days must be 7, 30 or 90');
    sp.set('range', `${days}d`);
  }
  const range = parseTimeRange(sp, new Date(), '30d');
  if (range.notice) throw new AppError('bad_request', `range: ${range.notice}`);
  if (status && !(recoveryStatuses as readonly string[]).includes(status)) {
    throw new AppError('bad_request', `status must be one of ${recoveryStatuses.join(', ')}`);
  }
  const history = iterateRecoveries(await getReadDb(), {
    status: status as RecoveryStatus | undefined,
    since: range.from,
    until: range.to,
  });
  async function* rows() {
    for await (const r of history) {
      yield [
        r.id, r.session_id, r.project, r.agent_name, r.checkpoint_sequence, r.recovery_method, r.recovery_status,
        isoUtc(r.started_at), isoUtc(r.completed_at),
        r.recovery_duration_seconds === null ? null : Number(r.recovery_duration_seconds),
        r.initiated_by, r.error,
      ];
    }
  }
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(csvStream(columns, rows()), { headers: csvHeaders(`recoveries-${range.key}-${stamp}.csv`) });
});
