import { z } from 'zod';
import { getOverviewKpis } from '@/lib/analytics/queries';
import { parseTimeRange, rangePresets } from '@/lib/analytics/range';
import { getRollupFreshness } from '@/lib/analytics/rollup-state';
import { type Permission } from '@/lib/auth/permissions';
import { pauseTypes } from '@/lib/db/schema/enums';
import { AppError } from '@/lib/errors';
import { listEventsByCorrelation } from '@/lib/events/queries';
import { abortSession, resumeSession, type ResolveResult } from '@/lib/interventions/commands';
import { ageBuckets, decodeCursor } from '@/lib/interventions/queries';
import { restoreFromPause, type RestoreFromPauseResult } from '@/lib/checkpoints/restore-from-pause';
import { decisionActor } from './actor';
import { loadInterventions, loadSessionView } from './reads';
import { defineTool, type McpTool, type ToolContext } from './tool';

/**
 * Tools for a person's assistant: reads with `read`, decisions with `read` and `control` (an agent's ingest +
 * control token sees neither). A decision is made by the token's
 * owner (./actor.ts) through the same race-safe commands as the console's buttons; two deciders get one winner and
 * a `conflict` naming who won.
 */
const pausedSessionId = z.guid().describe('The intervention (paused session) id from list_interventions');
const note = z.string().trim().max(4000).optional();

const listInterventions = defineTool({
  name: 'list_interventions',
  title: 'List open interventions',
  description: 'Paused sessions waiting for a person, oldest first: why each paused, the last error, how long it has waited.',
  scopes: ['read'],
  input: z.strictObject({
    project: z.string().trim().min(1).max(200).optional(),
    pauseType: z.enum(pauseTypes).optional(),
    olderThan: z.enum(ageBuckets as [string, ...string[]]).optional().describe('Only pauses waiting longer than this'),
    limit: z.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
  }),
  annotations: { readOnlyHint: true },
  run: async ({ db }, input) => {
    const cursor = input.cursor ? decodeCursor(input.cursor) : null;
    if (input.cursor && !cursor) throw new AppError('unprocessable', 'The arguments of list_interventions are invalid', { fields: [{ path: 'cursor', message: 'not a cursor from this list' }] });
    const page = await loadInterventions(db, { ...input, cursor });
    const lines = page.interventions.map((i) => `- ${i.id}: ${i.project}/${i.agentName} ${i.pauseType} for ${i.waitingSeconds} s — ${i.reason}`);
    return { summary: `${page.total} open intervention(s)${lines.length ? `:\n${lines.join('\n')}` : '.'}`, data: page };
  },
});

const getSession = defineTool({
  name: 'get_session',
  title: 'Get a session',
  description: 'One session: status, open pause, last error, its latest checkpoints and the tail of its timeline.',
  scopes: ['read'],
  input: z.strictObject({ sessionId: z.guid(), timelineLimit: z.number().int().min(1).max(100).default(20) }),
  annotations: { readOnlyHint: true },
  run: async ({ db }, input) => {
    const view = await loadSessionView(db, input);
    if (!view) throw new AppError('not_found', 'No session with this id');
    const s = view.session;
    const error = view.lastError ? ` Last error: ${view.lastError}` : '';
    return { summary: `Session ${s.id} (${s.project} / ${s.agentName}) is ${s.status}.${error}`, data: view };
  },
});

const searchEvents = defineTool({
  name: 'search_events',
  title: 'Search events by correlation id',
  description: 'Execution events carrying one correlation id (a trace id, a request id), oldest first.',
  scopes: ['read'],
  input: z.strictObject({ correlationId: z.string().trim().min(1).max(200), limit: z.number().int().min(1).max(500).default(100) }),
  annotations: { readOnlyHint: true },
  run: async ({ db }, input) => {
    const rows = await listEventsByCorrelation(db, input);
    const events = rows.map((e) => ({
      eventId: e.event_id,
      eventType: e.event_type,
      aggregateType: e.aggregate_type,
      aggregateId: e.aggregate_id,
      metadata: e.metadata,
      createdAt: new Date(e.created_at).toISOString(),
    }));
    const sessions = [...new Set(events.filter((e) => e.aggregateType === 'session').map((e) => e.aggregateId))];
    return { summary: `${events.length} event(s) with correlation id ${input.correlationId}, on ${sessions.length} session(s).`, data: { events, sessions } };
  },
});

const fleetSummary = defineTool({
  name: 'fleet_summary',
  title: 'Fleet summary',
  description: "The Overview page's KPIs for a range, against the period before it: active and paused sessions, median time to resume, recovery, retry and tool success rates.",
  scopes: ['read'],
  input: z.strictObject({ range: z.enum(rangePresets).default('24h') }),
  annotations: { readOnlyHint: true },
  run: async ({ db }, input) => {
    const range = parseTimeRange({ range: input.range });
    const [kpis, freshness] = await Promise.all([getOverviewKpis(db, range), getRollupFreshness(db)]);
    const pct = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v * 100)}%`);
    return {
      summary:
        `${range.label}: ${kpis.activeSessions.current} active, ${kpis.pausedNow.current} paused, ` +
        `tool success ${pct(kpis.toolSuccessRate.current)}, recovery success ${pct(kpis.recoverySuccessRate.current)}.`,
      data: { range: { key: range.key, from: range.from.toISOString(), to: range.to.toISOString() }, kpis, asOf: freshness.asOf?.toISOString() ?? null },
    };
  },
});

/** A decision's refusal as the HTTP API's codes: gone 404, someone else was first or the data refuses 409. */
function decided<R extends ResolveResult | RestoreFromPauseResult>(r: R): asserts r is Extract<R, { ok: true }> {
  if (r.ok) return;
  throw new AppError(r.reason === 'not_found' ? 'not_found' : 'conflict', r.message);
}

async function ownerFor(ctx: ToolContext, permission: Permission, id: string) {
  return decisionActor(ctx.db, ctx.principal, permission, { targetType: 'paused_session', targetId: id });
}

/**
 * resume_session and abort_session: one paused session, its command, the same answer. The free text keeps each
 * command's own name (`note` for a resume, `reason` for an abort), as the tools' clients send it.
 */
function decisionTool<K extends 'note' | 'reason'>(t: {
  name: string;
  title: string;
  description: string;
  text: K;
  permission: Permission;
  resolution: 'resumed' | 'aborted';
  destructive?: boolean;
  command: (ctx: ToolContext, pausedSessionId: string, text: string | null, actor: Awaited<ReturnType<typeof ownerFor>>) => Promise<ResolveResult>;
}) {
  const input = z.strictObject({ pausedSessionId, [t.text]: note } as { pausedSessionId: typeof pausedSessionId } & Record<K, typeof note>);
  return defineTool({
    name: t.name,
    title: t.title,
    description: t.description,
    scopes: ['read', 'control'],
    input,
    ...(t.destructive ? { annotations: { destructiveHint: true } } : {}),
    run: async (ctx, i) => {
      const { pausedSessionId: id, [t.text]: text } = i as { pausedSessionId: string } & Record<K, string | undefined>;
      const r = await t.command(ctx, id, text || null, await ownerFor(ctx, t.permission, id));
      decided(r);
      const verb = t.resolution === 'resumed' ? 'Resumed' : 'Aborted';
      return { summary: `${verb} session ${r.pause.sessionId}.`, data: { pausedSessionId: r.pause.id, resolution: t.resolution, sessionId: r.pause.sessionId } };
    },
  });
}

const resume = decisionTool({
  name: 'resume_session',
  title: 'Resume a paused session',
  description: 'Let the agent carry on; the note reaches it as instructions.',
  text: 'note',
  permission: 'interventions:resume',
  resolution: 'resumed',
  command: (ctx, pausedSessionId, note, actor) => resumeSession(ctx.db, { pausedSessionId, note }, actor),
});

const abort = decisionTool({
  name: 'abort_session',
  title: 'Abort a paused session',
  description: 'End the run as aborted; the agent is told to stop.',
  text: 'reason',
  permission: 'interventions:abort',
  resolution: 'aborted',
  destructive: true,
  command: (ctx, pausedSessionId, reason, actor) => abortSession(ctx.db, { pausedSessionId, reason }, actor),
});

const restore = defineTool({
  name: 'restore_session',
  title: 'Restore a paused session from a checkpoint',
  description: 'Send the agent back to a checkpoint (the latest valid one by default), optionally with a new current task or an instruction.',
  scopes: ['read', 'control'],
  input: z.strictObject({
    pausedSessionId,
    checkpointId: z.guid().optional(),
    currentTask: z.string().trim().max(4000).optional(),
    instruction: z.string().trim().max(4000).optional(),
    note,
  }),
  annotations: { destructiveHint: true },
  run: async (ctx, input) => {
    const actor = await ownerFor(ctx, 'interventions:restore', input.pausedSessionId);
    const r = await restoreFromPause(ctx.db, input, actor);
    decided(r);
    if (r.pending) {
      // Four-eyes project: the restore waits for a second engineer's approval in the console.
      const { requestId, sequence } = r;
      return {
        summary: `Restore from checkpoint #${sequence} requested; it waits for a second engineer's approval (four-eyes).`,
        data: { pausedSessionId: input.pausedSessionId, resolution: 'awaiting_approval', requestId, sequence },
      };
    }
    const { recoveryId, sequence } = r;
    return { summary: `Restoring from checkpoint #${sequence} (recovery ${recoveryId}).`, data: { pausedSessionId: input.pausedSessionId, resolution: 'restored', recoveryId, sequence } };
  },
});

export const assistantTools: McpTool[] = [listInterventions, getSession, searchEvents, fleetSummary, resume, abort, restore];
