import { createClient, type ClientOptions, type FlightdeckClient } from '@/lib/api-client';
import type { ControlDecision } from '@/lib/api/schemas';

/**
 * A fleet of fake agents driving the real API through the typed client: they start sessions, use tools (some
 * fail), post events, checkpoint after each task, sometimes hit a retry limit or a blocker and pause, long-poll
 * for a person's decision, then resume / stop / restore from the state they receive, and finally finish or fail.
 * Gentle on purpose (about one request per second per agent) so the console stays responsive during a demo.
 */
export type SimulatorOptions = {
  url: string;
  token: string;
  agents: number;
  /** Stop after this many minutes; undefined = until stop(). */
  minutes?: number;
  log?: (line: string) => void;
  /** Scales every pause between actions (tests use a small value). */
  pace?: number;
  /** Probability that a task runs into trouble and the agent pauses. */
  troubleRate?: number;
  fetch?: typeof fetch;
  /** How long an agent waits for a decision before giving up on the run. */
  decisionTimeoutMs?: number;
  random?: () => number;
  /** Retry and timeout settings of the agents' client (the soak raises the retries to outlast a restart). */
  client?: Pick<ClientOptions, 'maxRetries' | 'baseDelayMs' | 'maxDelayMs' | 'timeoutMs'>;
  /** After a session fails with an error (the client gave up), start a new one instead of stopping the agent. */
  keepGoing?: boolean;
};

export type Simulator = { stop(): Promise<void>; done: Promise<void> };

const projects = ['checkout-service', 'data-pipeline', 'docs-site', 'billing'];
const agentKinds = ['coder', 'reviewer', 'migrator', 'triager'];
const tools = ['web_search', 'read_file', 'write_file', 'run_tests', 'sql_query', 'http_request'];
const endUsers = ['u-alice', 'u-bob', 'u-carol', 'u-dan'];

type Message = { role: 'user' | 'assistant' | 'tool'; content: string };

export function startSimulator(options: SimulatorOptions): Simulator {
  const stopper = new AbortController();
  const log = options.log ?? ((line: string) => console.log(line));
  const client = createClient({
    ...options.client,
    baseUrl: options.url,
    token: options.token,
    fetch: options.fetch,
    userAgent: 'flightdeck-simulator',
  });
  const timer = options.minutes ? setTimeout(() => stopper.abort(), options.minutes * 60_000) : undefined;
  timer?.unref?.();
  const runs = Array.from({ length: options.agents }, (_, i) =>
    runAgent({ n: i + 1, client, options, log, signal: stopper.signal }).catch((err) => {
      if (!stopper.signal.aborted) log(`[agent-${i + 1}] stopped by an error: ${err instanceof Error ? err.message : String(err)}`);
    }),
  );
  const done = Promise.all(runs).then(() => {
    if (timer) clearTimeout(timer);
  });
  return {
    done,
    async stop() {
      stopper.abort();
      await done;
    },
  };
}

async function runAgent(ctx: {
  n: number;
  client: FlightdeckClient;
  options: SimulatorOptions;
  log: (line: string) => void;
  signal: AbortSignal;
}) {
  const rnd = ctx.options.random ?? Math.random;
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const pace = ctx.options.pace ?? 1;
  const nap = (ms: number) => sleep(ms * pace * (0.5 + rnd()), ctx.signal);
  // Stagger the start so a fleet does not arrive in one burst.
  await nap(ctx.n * 300);
  while (!ctx.signal.aborted) {
    try {
      await runSession({ ...ctx, rnd, pick, nap });
    } catch (err) {
      if (!ctx.options.keepGoing || ctx.signal.aborted) throw err;
      ctx.log(`[agent-${ctx.n}] session abandoned after an error: ${err instanceof Error ? err.message : String(err)}; starting a new one`);
    }
    await nap(3000);
  }
}

async function runSession(ctx: {
  n: number;
  client: FlightdeckClient;
  options: SimulatorOptions;
  log: (line: string) => void;
  signal: AbortSignal;
  rnd: () => number;
  pick: <T>(xs: readonly T[]) => T;
  nap: (ms: number) => Promise<void>;
}) {
  const { client, rnd, pick, nap, signal } = ctx;
  const agentName = `${pick(agentKinds)}-${ctx.n}`;
  const tag = `[agent-${ctx.n}]`;
  const say = (line: string) => ctx.log(`${tag} ${line}`);
  const taskCount = 3 + Math.floor(rnd() * 5);
  const tasks = Array.from({ length: taskCount }, (_, i) => `task-${i + 1}`);
  const { session } = await client.createSession({
    project: pick(projects),
    agent: agentName,
    externalId: `sim-${ctx.n}-${crypto.randomUUID().slice(0, 8)}`,
    currentTask: tasks[0],
    metadata: { simulated: true },
  });
  say(`started session ${session.id.slice(0, 8)} (${session.project}, ${taskCount} tasks)`);
  const history: Message[] = [{ role: 'user', content: `Work through ${taskCount} tasks in ${session.project}` }];
  let completed: string[] = [];
  let taskIndex = 0;
  let toolCalls = 0;
  let lastCheckpointId: string | undefined;

  while (taskIndex < tasks.length) {
    if (signal.aborted) return;
    const task = tasks[taskIndex];
    await client.heartbeat(session.id, { currentTask: task });
    const trouble = rnd() < (ctx.options.troubleRate ?? 0.2) ? (rnd() < 0.6 ? 'retry_limit' : 'blocker') : null;
    const tool = pick(tools);
    const userId = pick(endUsers);
    const attempts = trouble === 'retry_limit' ? 3 : 1 + Math.floor(rnd() * 2);
    const executions = Array.from({ length: attempts }, (_, a) => {
      const success = trouble === 'retry_limit' ? false : a === attempts - 1 ? rnd() > 0.1 : rnd() > 0.5;
      return {
        userId,
        toolName: tool,
        success,
        executionTimeMs: Math.round(20 + rnd() * 800),
        errorMessage: success ? null : pick(['HTTP 429 Too Many Requests', 'timeout after 30s', 'permission denied']),
        sessionId: session.id,
        context: { task },
      };
    });
    const posted = await client.postToolExecutions(executions);
    toolCalls += attempts;
    const failures = executions.filter((e) => !e.success).length;
    if (failures) say(`${tool} failed ${failures}× on ${task}`);
    if (rnd() < 0.3) await client.rateToolExecution(posted.executionIds[posted.executionIds.length - 1], 1 + Math.floor(rnd() * 5));
    await client.postEvents(
      executions.map((e, i) => ({
        eventType: 'tool_call',
        aggregateType: 'session',
        aggregateId: session.id,
        metadata: { tool: e.toolName, status: e.success ? 'success' : 'error', duration_ms: e.executionTimeMs, execution_order: toolCalls - attempts + i + 1 },
      })),
    );
    history.push({ role: 'assistant', content: `Calling ${tool} for ${task}` }, { role: 'tool', content: failures === attempts ? 'error' : 'ok' });
    await nap(1500);

    if (trouble) {
      const cp = await client.createCheckpoint(session.id, {
        checkpointType: 'pre_intervention',
        conversationHistory: history,
        currentTaskId: task,
        completedTasks: completed,
        metricsSnapshot: { toolCalls },
      });
      const reason =
        trouble === 'retry_limit' ? `Retry limit reached: ${tool} failed 3 times on ${task}` : `Blocked on ${task}: needs credentials for ${session.project}`;
      await client.pause(session.id, {
        reason,
        pauseType: trouble,
        currentTask: task,
        checkpointId: cp.id,
        context: {
          last_error: executions[executions.length - 1].errorMessage ?? undefined,
          recent_tool_calls: executions.map((e) => ({ tool: e.toolName, success: e.success, error: e.errorMessage ?? undefined })),
        },
      });
      say(`paused (${trouble}): ${reason}; waiting for a decision`);
      const decision = await waitForDecision(client, session.id, ctx.options.decisionTimeoutMs ?? 30 * 60_000, signal);
      if (!decision || signal.aborted) return;
      const outcome = await applyDecision({ client, decision, say, sessionId: session.id });
      if (outcome.kind === 'stop') return;
      if (outcome.kind === 'wait') {
        say('no decision in time; giving up the run');
        await client.finishSession(session.id, { status: 'failed', error: 'No decision before the deadline' });
        return;
      }
      if (outcome.kind === 'restored') {
        history.splice(0, history.length, ...(outcome.history as Message[]));
        completed = [...outcome.completed];
        taskIndex = Math.max(0, tasks.indexOf(outcome.currentTask ?? '') >= 0 ? tasks.indexOf(outcome.currentTask!) : completed.length);
        continue;
      }
      if (outcome.note) history.push({ role: 'user', content: outcome.note });
    }

    completed = [...completed, task];
    const cp = await client.createCheckpoint(session.id, {
      checkpointType: 'task_completion',
      conversationHistory: history,
      currentTaskId: tasks[taskIndex + 1] ?? null,
      completedTasks: completed,
      metricsSnapshot: { toolCalls, tasksDone: completed.length },
    });
    lastCheckpointId = cp.id;
    say(`finished ${task}, checkpoint #${cp.sequence}`);
    taskIndex++;
    await nap(1500);
  }
  void lastCheckpointId;
  const failed = rnd() < 0.1;
  await client.finishSession(session.id, failed ? { status: 'failed', error: 'Final verification failed' } : { status: 'completed' });
  say(failed ? 'run failed at final verification' : `run completed (${completed.length} tasks)`);
}

async function waitForDecision(client: FlightdeckClient, sessionId: string, timeoutMs: number, signal: AbortSignal) {
  try {
    return await client.waitForControl(sessionId, { timeoutMs, signal });
  } catch (err) {
    if (signal.aborted) return null;
    throw err;
  }
}

type Outcome =
  | { kind: 'continue'; note: string | null }
  | { kind: 'stop' }
  | { kind: 'wait' }
  | { kind: 'restored'; history: unknown[]; completed: string[]; currentTask: string | null };

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

function sleep(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
