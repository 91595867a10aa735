import { z } from 'zod';
import { CompleteRecoveryBody, CreateCheckpointBody, CreateSessionBody, FinishBody, PauseBody, ToolExecutionItem } from '@/lib/api/schemas';
import { createCheckpoint } from '@/lib/checkpoints/commands';
import { completeRecovery } from '@/lib/checkpoints/recovery';
import { AppError } from '@/lib/errors';
import { pauseSession } from '@/lib/interventions/commands';
import { getControlDecision, waitForControlDecision, type ControlDecision } from '@/lib/sessions/control';
import { createSession, finishSession, sessionInputFromBody } from '@/lib/sessions/commands';
import { ingestToolExecutions, refuseExpiredTimestamps } from '@/lib/tools/ingest';
import { defineTool, type McpTool } from './tool';

/**
 * Tools for an agent (tokens with `ingest` / `control`): the agent API's calls as MCP tools, through the same
 * commands (lib/sessions, lib/checkpoints, lib/tools, lib/interventions). `request_human_decision` is the pause
 * plus the control long-poll in one call.
 */
export const MAX_MCP_WAIT_S = 50;
const sessionId = z.guid().describe('The session id start_session returned');
const notFound = () => new AppError('not_found', 'No session with this id');

const startSession = defineTool({
  name: 'start_session',
  title: 'Start a session',
  description:
    'Register this agent run with Flightdeck. Call once at the start; the same externalId in the same project returns the existing session.',
  scopes: ['ingest'],
  input: CreateSessionBody,
  annotations: { idempotentHint: true },
  run: async ({ db }, body) => {
    const r = await createSession(db, sessionInputFromBody(body));
    const s = r.session;
    return {
      summary: `${r.created ? 'Started' : 'Found'} session ${s.id} (${s.project} / ${s.agentName}, ${s.status}).`,
      data: { session: s, created: r.created },
    };
  },
});

const saveCheckpoint = defineTool({
  name: 'save_checkpoint',
  title: 'Save a checkpoint',
  description: 'Save the conversation and progress so a person can restore the run from here later.',
  scopes: ['ingest'],
  input: CreateCheckpointBody.extend({ sessionId }),
  run: async ({ db }, { sessionId, ...body }) => {
    const r = await createCheckpoint(db, { sessionId, ...body });
    if (!r.ok) throw notFound();
    const { id, sequence } = r.checkpoint;
    return {
      summary: `${r.created ? 'Saved' : 'Already saved'} checkpoint #${sequence} (${id}).`,
      data: { id, sequence, created: r.created },
    };
  },
});

const reportToolExecution = defineTool({
  name: 'report_tool_execution',
  title: 'Report a tool execution',
  description: 'Record one tool call of this agent (success, time, error) for the tool statistics. Send an executionId so a retry is stored once.',
  scopes: ['ingest'],
  input: ToolExecutionItem,
  annotations: { idempotentHint: true },
  run: async ({ db }, execution) => {
    refuseExpiredTimestamps([execution], false);
    const r = await ingestToolExecutions(db, { executions: [execution] });
    if (!r.ok) throw new AppError('unprocessable', 'Unknown sessionId', { fields: [{ path: 'sessionId', message: 'no session with this id' }] });
    const { received, inserted, duplicates } = r;
    return {
      summary: inserted ? `Recorded ${execution.toolName} (${execution.success ? 'success' : 'failure'}).` : `Already recorded (duplicate executionId).`,
      data: { received, inserted, duplicates },
    };
  },
});

function describeDecision(d: ControlDecision, waited: number): string {
  switch (d.action) {
    case 'wait':
      return `No decision yet on pause ${d.pausedSessionId} after ${waited} s. Call request_human_decision again to keep waiting.`;
    case 'resume':
      return `Resume: ${d.resolvedBy ?? 'a person'} says carry on${d.note ? `: ${d.note}` : '.'}`;
    case 'abort':
      return `Abort: stop the run (${d.reason}${d.resolvedBy ? `, by ${d.resolvedBy}` : ''}).`;
    case 'restore':
      return (
        `Restore: reload checkpoint #${d.checkpoint.sequence} (in structuredContent.decision.checkpoint) and continue from it` +
        `${d.modifications?.instruction ? ` with the instruction: ${d.modifications.instruction}` : ''}; ` +
        `then call complete_recovery with recoveryId ${d.recoveryId}.`
      );
    case 'continue':
      return `Continue: the session is ${d.status}.`;
  }
}

const requestHumanDecision = defineTool({
  name: 'request_human_decision',
  title: 'Ask a person to decide',
  description:
    'Pause this session and ask a person on the Flightdeck console (reason and pause type), then wait up to waitSeconds for ' +
    'the decision: resume (with their note), abort, or restore (with the checkpoint to continue from). If the answer is ' +
    '"wait", call it again with the same session to keep waiting; an open pause is never asked twice.',
  scopes: ['control'],
  input: PauseBody.extend({
    sessionId,
    waitSeconds: z.number().int().min(0).max(MAX_MCP_WAIT_S).default(30).describe(`How long to wait for the decision (0–${MAX_MCP_WAIT_S} s)`),
  }),
  run: async ({ db, principal, request }, { sessionId, waitSeconds, ...pause }) => {
    // A decision made since the last call (resume not yet delivered, abort, restore) is answered before anything
    // else: calling again after a "wait" must not open a second question.
    const now = await getControlDecision(db, { sessionId });
    if (!now.ok) throw notFound();
    let pausedSessionId: string | null = now.decision.action === 'wait' ? now.decision.pausedSessionId : null;
    if (now.decision.action === 'continue') {
      const r = await pauseSession(db, { sessionId, ...pause }, principal);
      if (!r.ok && r.reason === 'not_found') throw notFound();
      if (!r.ok && r.reason === 'session_finished') throw new AppError('conflict', `The session already ended as ${r.status}`);
      pausedSessionId = r.pause.id;
    } else if (now.decision.action !== 'wait') {
      return { summary: describeDecision(now.decision, 0), data: { sessionId, decision: now.decision } };
    }
    const started = Date.now();
    const r = await waitForControlDecision(db, { sessionId, waitSeconds, maxSeconds: MAX_MCP_WAIT_S, signal: request.signal });
    if (!r.ok) throw notFound();
    const waited = Math.round((Date.now() - started) / 1000);
    return { summary: describeDecision(r.decision, waited), data: { sessionId, pausedSessionId, decision: r.decision } };
  },
});

const completeRecoveryTool = defineTool({
  name: 'complete_recovery',
  title: 'Report a restore',
  description: 'After a "restore" decision: report whether continuing from the checkpoint worked.',
  scopes: ['control'],
  input: CompleteRecoveryBody.extend({ recoveryId: z.guid() }),
  run: async ({ db, principal }, { recoveryId, status, error }) => {
    const r = await completeRecovery(db, { recoveryId, status, error }, principal);
    if (!r.ok && r.reason === 'not_found') throw new AppError('not_found', 'No recovery with this id');
    if (!r.ok) throw new AppError('conflict', `The recovery already ended as ${r.status}`);
    const { id, sessionId: session, recoveryStatus } = r.recovery;
    return { summary: `Recovery ${id} ${recoveryStatus}.`, data: { recovery: { id, sessionId: session, recoveryStatus }, alreadyCompleted: r.alreadyCompleted } };
  },
});

const finish = defineTool({
  name: 'finish_session',
  title: 'Finish the session',
  description: 'Report the end of this run: completed, or failed with the error.',
  scopes: ['ingest'],
  input: FinishBody.extend({ sessionId }),
  annotations: { idempotentHint: true },
  run: async ({ db, principal }, { sessionId, status, error }) => {
    const r = await finishSession(db, { sessionId, status, error }, principal);
    if (!r.ok && r.reason === 'not_found') throw notFound();
    if (!r.ok) throw new AppError('conflict', `The session already ended as ${r.status}`);
    return { summary: `Session ${sessionId} ${r.session.status}.`, data: { session: r.session, alreadyFinished: r.alreadyFinished } };
  },
});

export const agentTools: McpTool[] = [startSession, saveCheckpoint, reportToolExecution, requestHumanDecision, completeRecoveryTool, finish];
