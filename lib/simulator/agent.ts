import type { FlightdeckClient } from '@/lib/api-client';
import type { ControlDecision } from '@/lib/api/schemas';
import { pauseReasons, toolForPause, tools, type ToolProfile } from '@/lib/seed/catalog';
import type { PauseType } from '@/lib/db/schema/enums';
import type { HeartbeatRunner } from './runner';

/**
 * One simulated agent run: tasks made of tool calls, a checkpoint after each task, now and then trouble that makes
 * it pause and wait for a person's decision, then resume / stop / restore from what it is told. The tool names,
 * their error messages and durations, and the pause reasons come from the demo seed's catalog, so the simulated
 * fleet and the seeded history speak one vocabulary.
 */
export type Message = { role: 'user' | 'assistant' | 'tool'; content: string; tool_calls?: { name: string; arguments: Record<string, unknown> }[] };

export type AgentContext = {
  client: FlightdeckClient;
  /** Heartbeat through the runner hosting this agent: one batch request for all its sessions (./runner.ts). */
  beat: HeartbeatRunner['beat'];
  signal: AbortSignal;
  rnd: () => number;
  say: (line: string) => void;
  /** Sleeps about `ms` (scaled by the pace, jittered ±50 %); returns early on stop. */
  nap: (ms: number) => Promise<void>;
  /** Chance that a task runs into trouble and the agent pauses. */
  troubleRate: number;
  /** Tasks finished without trouble after a person's decision: a resumed agent makes progress before pausing again. */
  calmTasks: number;
  decisionTimeoutMs: number;
  /** Mean pause between tool calls, ms (before the pace). */
  stepMs: number;
};

export type Run = {
  sessionId: string;
  project: string;
  tasks: string[];
  taskIndex: number;
  completed: string[];
  history: Message[];
  toolCalls: number;
  /** Tasks left to do before trouble may strike again. */
  calm: number;
};

export type Outcome =
  | { kind: 'continue'; note: string | null }
  | { kind: 'stop' }
  | { kind: 'wait' }
  | { kind: 'restored'; history: unknown[]; completed: string[]; currentTask: string | null };

const troubleTypes: [PauseType, number][] = [
  ['retry_limit', 5],
  ['blocker', 3],
  ['error', 2],
  ['timeout', 1],
  ['budget', 1],
];

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)];
}

function weighted<T>(rnd: () => number, xs: [T, number][]): T {
  let r = rnd() * xs.reduce((a, [, w]) => a + w, 0);
  for (const [x, w] of xs) if ((r -= w) < 0) return x;
  return xs[xs.length - 1][0];
}

function duration(rnd: () => number, tool: ToolProfile) {
  // Log-normal around the tool's median, like the seed's history.
  const normal = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  return Math.max(1, Math.round(tool.medianMs * Math.exp(normal * 0.6)));
}

async function callTools(ctx: AgentContext, run: Run, task: string, userId: string, plan: { tool: ToolProfile; fail: boolean | null }[]) {
  const executions = plan.map(({ tool, fail }) => {
    const success = fail === null ? ctx.rnd() < tool.successRate : !fail;
    return {
      userId,
      toolName: tool.name,
      success,
      executionTimeMs: duration(ctx.rnd, tool),
      errorMessage: success ? null : pick(ctx.rnd, tool.errors),
      sessionId: run.sessionId,
      context: { project: run.project, task },
    };
  });
  const posted = await ctx.client.postToolExecutions(executions);
  if (ctx.rnd() < 0.25) await ctx.client.rateToolExecution(posted.executionIds[posted.executionIds.length - 1], 1 + Math.floor(ctx.rnd() * 5));
  await ctx.client.postEvents(
    executions.map((e) => ({
      eventType: 'tool_called',
      aggregateType: 'session',
      aggregateId: run.sessionId,
      metadata: {
        tool: e.toolName,
        status: e.success ? 'success' : 'error',
        duration_ms: e.executionTimeMs,
        user_id: userId,
        execution_order: ++run.toolCalls,
        ...(e.errorMessage ? { error: e.errorMessage } : {}),
      },
    })),
  );
  for (const e of executions) {
    run.history.push(
      { role: 'assistant', content: `Using ${e.toolName} for: ${task}`, tool_calls: [{ name: e.toolName, arguments: { step: run.toolCalls } }] },
      { role: 'tool', content: e.success ? `${e.toolName} ok (${e.executionTimeMs} ms)` : `${e.toolName} failed: ${e.errorMessage}` },
    );
  }
  if (run.history.length > 24) run.history.splice(1, run.history.length - 24);
  return executions;
}

/** Works through the run's remaining tasks; returns 'done' when they are finished, 'stopped' when told to stop. */
export async function workTasks(ctx: AgentContext, run: Run, userId: string): Promise<'done' | 'stopped'> {
  while (run.taskIndex < run.tasks.length) {
    if (ctx.signal.aborted) return 'stopped';
    const task = run.tasks[run.taskIndex];
    const steps = 2 + Math.floor(ctx.rnd() * 3);
    const trouble = run.calm > 0 ? null : ctx.rnd() < ctx.troubleRate ? weighted(ctx.rnd, troubleTypes) : null;
    let last: Awaited<ReturnType<typeof callTools>> = [];
    for (let step = 0; step < steps && !ctx.signal.aborted; step++) {
      await ctx.beat(run.sessionId, task);
      last = await callTools(ctx, run, task, userId, [{ tool: pick(ctx.rnd, tools), fail: null }]);
      await ctx.nap(ctx.stepMs);
    }
    if (ctx.signal.aborted) return 'stopped';

    if (trouble) {
      const outcome = await pauseAndWait(ctx, run, task, userId, trouble);
      if (outcome === 'stopped') return 'stopped';
      if (outcome === 'restored') continue;
    } else if (last.some((e) => !e.success)) {
      ctx.say(`${last.filter((e) => !e.success).map((e) => e.toolName).join(', ')} failed on "${task}"; retried and moved on`);
    }

    run.completed = [...run.completed, task];
    const cp = await ctx.client.createCheckpoint(run.sessionId, {
      checkpointType: 'task_completion',
      conversationHistory: run.history,
      currentTaskId: run.tasks[run.taskIndex + 1] ?? null,
      completedTasks: run.completed,
      metricsSnapshot: { tool_calls: run.toolCalls, tasks_done: run.completed.length },
    });
    ctx.say(`finished "${task}", checkpoint #${cp.sequence}`);
    run.taskIndex++;
    if (run.calm > 0) run.calm--;
  }
  return 'done';
}

async function pauseAndWait(ctx: AgentContext, run: Run, task: string, userId: string, type: PauseType): Promise<'continue' | 'restored' | 'stopped'> {
  const tool = tools.find((t) => t.name === toolForPause[type]) ?? tools[0];
  const failures = type === 'retry_limit' ? 3 : 1;
  const executions = await callTools(ctx, run, task, userId, Array.from({ length: failures }, () => ({ tool, fail: true })));
  const cp = await ctx.client.createCheckpoint(run.sessionId, {
    checkpointType: 'pre_intervention',
    conversationHistory: run.history,
    currentTaskId: task,
    completedTasks: run.completed,
    metricsSnapshot: { tool_calls: run.toolCalls },
  });
  const template = pick(ctx.rnd, pauseReasons[type]);
  const reason = type === 'retry_limit' ? `Retry limit reached (3/3) calling ${tool.name} on "${task}"` : template.reason;
  await ctx.client.pause(run.sessionId, {
    reason,
    pauseType: type,
    currentTask: task,
    checkpointId: cp.id,
    context: {
      last_error: executions[executions.length - 1].errorMessage ?? template.error,
      recent_tool_calls: executions.map((e) => ({ tool: e.toolName, success: e.success, error: e.errorMessage ?? undefined })),
    },
  });
  ctx.say(`paused (${type}): ${reason}; waiting for a decision`);
  return awaitDecision(ctx, run);
}

/** Long-polls for a person's decision and acts on it; a run nobody decides on in time is given up. */
export async function awaitDecision(ctx: AgentContext, run: Run): Promise<'continue' | 'restored' | 'stopped'> {
  let decision: ControlDecision;
  try {
    decision = await ctx.client.waitForControl(run.sessionId, { timeoutMs: ctx.decisionTimeoutMs, signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) return 'stopped';
    throw err;
  }
  if (ctx.signal.aborted) return 'stopped';
  const outcome = await applyDecision({ client: ctx.client, decision, sessionId: run.sessionId, say: ctx.say });
  if (outcome.kind === 'stop') return 'stopped';
  if (outcome.kind === 'wait') {
    const minutes = Math.round(ctx.decisionTimeoutMs / 60_000);
    ctx.say(`no decision within ${minutes} min; giving up the run`);
    await ctx.client.finishSession(run.sessionId, { status: 'failed', error: `No decision within ${minutes} minutes of pausing; the agent gave up` });
    return 'stopped';
  }
  run.calm = ctx.calmTasks;
  if (outcome.kind === 'restored') {
    run.history.splice(0, run.history.length, ...(outcome.history as Message[]));
    run.completed = [...outcome.completed];
    const at = run.tasks.indexOf(outcome.currentTask ?? '');
    const firstOpen = run.tasks.findIndex((t) => !run.completed.includes(t));
    run.taskIndex = at >= 0 ? at : firstOpen >= 0 ? firstOpen : run.tasks.length;
    return 'restored';
  }
  if (outcome.note) run.history.push({ role: 'user', content: outcome.note });
  return 'continue';
}

/** What an agent does with each decision; exported for tests. */
export async function applyDecision(input: {
  client: FlightdeckClient;
  decision: ControlDecision;
  sessionId: string;
  say: (line: string) => void;
}): Promise<Outcome> {
  const d = input.decision;
  switch (d.action) {
    case 'resume':
      input.say(`resumed by ${d.resolvedBy ?? 'someone'}${d.note ? `; instructions: "${d.note}"` : ''}`);
      return { kind: 'continue', note: d.note };
    case 'continue':
      input.say('continuing');
      return { kind: 'continue', note: null };
    case 'abort':
      input.say(`aborted by ${d.resolvedBy ?? 'operator'}: ${d.reason}; stopping`);
      return { kind: 'stop' };
    case 'wait':
      return { kind: 'wait' };
    case 'restore': {
      const c = d.checkpoint;
      input.say(
        `restoring checkpoint #${c.sequence} (${c.completedTasks.length} tasks done, ${c.messageCount} messages)` +
          (d.modifications?.instruction ? `; instruction: "${d.modifications.instruction}"` : ''),
      );
      await input.client.completeRecovery(d.recoveryId, { status: 'succeeded' });
      input.say(`recovery ${d.recoveryId.slice(0, 8)} reported as succeeded`);
      return { kind: 'restored', history: c.conversationHistory, completed: c.completedTasks, currentTask: c.currentTaskId };
    }
  }
}
