import { setMaxListeners } from 'node:events';
import { createClient, type ClientOptions } from '@/lib/api-client';
import { projects, toolUsers } from '@/lib/seed/catalog';
import { awaitDecision, workTasks, type AgentContext, type Run } from './agent';
import { createHeartbeatRunner } from './runner';

export { applyDecision } from './agent';

/**
 * A fleet of fake agents driving the real API through the typed client. Most of the time they work: tool calls a
 * few seconds apart, a checkpoint after each task. Now and then one runs into trouble and pauses (by default 1.5 % of
 * tasks: each agent about every quarter of an hour, so six agents pause one at a time every few minutes, and with
 * nobody answering (a run gives up after 10 minutes) about two in three keep working), long-polls for a
 * person's decision, and after a resume or restore finishes a couple of tasks before trouble may strike again.
 * It can also carry on runs the database already holds (`adopt`: the demo's seeded live sessions), so those keep
 * heartbeating, pick up their open restores and answer decisions on their pauses like real agents would.
 */
export type AdoptedSession = { project: string; agent: string; externalId: string; status: string };

export type SimulatorOptions = {
  url: string;
  token: string;
  agents: number;
  /** Stop after this many minutes; undefined = until stop(). */
  minutes?: number;
  log?: (line: string) => void;
  /** Scales every pause between actions (tests use a small value). */
  pace?: number;
  /** Probability that a task (2-4 tool calls, 10-20 s) runs into trouble and the agent pauses (default 0.015). */
  troubleRate?: number;
  /** Tasks a resumed or restored agent finishes before it may pause again (default 2). */
  calmTasks?: number;
  fetch?: typeof fetch;
  /** How long an agent waits for a decision before giving up on the run (default 10 min). */
  decisionTimeoutMs?: number;
  random?: () => number;
  /** Retry and timeout settings of the agents' client (the soak raises the retries to outlast a restart). */
  client?: Pick<ClientOptions, 'maxRetries' | 'baseDelayMs' | 'maxDelayMs' | 'timeoutMs'>;
  /** After a session fails with an error (the client gave up), start a new one instead of stopping the agent. */
  keepGoing?: boolean;
  /** Live runs to carry on (same project and externalId: the API returns the existing session). */
  adopt?: AdoptedSession[];
};

export type Simulator = { stop(): Promise<void>; done: Promise<void> };

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function startSimulator(options: SimulatorOptions): Simulator {
  const stopper = new AbortController();
  // Every agent's sleeps and long-polls listen on this one signal: dozens of listeners are expected, not a leak.
  setMaxListeners(0, stopper.signal);
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
  const rnd = options.random ?? Math.random;
  const pace = options.pace ?? 1;
  const runner = createHeartbeatRunner(client);
  const context = (tag: string, stepMs: number): AgentContext => ({
    client,
    beat: runner.beat,
    signal: stopper.signal,
    rnd,
    say: (line) => log(`[${tag}] ${line}`),
    nap: (ms) => sleep(ms * pace * (0.5 + rnd()), stopper.signal),
    troubleRate: options.troubleRate ?? 0.015,
    calmTasks: options.calmTasks ?? 2,
    decisionTimeoutMs: options.decisionTimeoutMs ?? 10 * 60_000,
    stepMs,
  });
  const guard = (tag: string, run: Promise<unknown>) =>
    run.catch((err) => {
      if (!stopper.signal.aborted) log(`[${tag}] stopped by an error: ${message(err)}`);
    });
  const runs = [
    ...Array.from({ length: options.agents }, (_, i) => guard(`agent-${i + 1}`, runAgent(i + 1, context(`agent-${i + 1}`, 5000), options))),
    ...(options.adopt ?? []).map((s, i) => guard(s.externalId, adoptSession(context(s.externalId, 20_000), s, i))),
  ];
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

function tasksOf(project: string, rnd: () => number, count: number) {
  const p = projects.find((x) => x.name === project);
  const pool: readonly string[] = p?.tasks ?? ['Investigate the failing job', 'Write the fix', 'Add a regression test', 'Open the pull request'];
  const start = Math.floor(rnd() * pool.length);
  return Array.from({ length: Math.min(count, pool.length) }, (_, i) => pool[(start + i) % pool.length]);
}

async function runAgent(n: number, ctx: AgentContext, options: SimulatorOptions) {
  const pickOf = <T,>(xs: readonly T[]) => xs[Math.floor(ctx.rnd() * xs.length)];
  // Stagger the start so a fleet does not arrive in one burst.
  await ctx.nap(n * 400);
  while (!ctx.signal.aborted) {
    try {
      await runSession(ctx, n, pickOf(projects), pickOf);
    } catch (err) {
      if (!options.keepGoing || ctx.signal.aborted) throw err;
      ctx.say(`session abandoned after an error: ${message(err)}; starting a new one`);
    }
    await ctx.nap(3000);
  }
}

async function runSession(ctx: AgentContext, n: number, project: (typeof projects)[number], pickOf: <T>(xs: readonly T[]) => T) {
  const tasks = tasksOf(project.name, ctx.rnd, 3 + Math.floor(ctx.rnd() * 3));
  const { session } = await ctx.client.createSession({
    project: project.name,
    agent: pickOf(project.agents),
    externalId: `sim-${n}-${crypto.randomUUID().slice(0, 8)}`,
    currentTask: tasks[0],
    metadata: { simulated: true },
  });
  ctx.say(`started session ${session.id.slice(0, 8)} (${session.project}, ${tasks.length} tasks)`);
  const run: Run = {
    sessionId: session.id,
    project: session.project,
    tasks,
    taskIndex: 0,
    completed: [],
    history: [{ role: 'user', content: `Work through ${tasks.length} tasks in ${session.project}: ${tasks.join('; ')}` }],
    toolCalls: 0,
    calm: 0,
  };
  await finishRun(ctx, run, pickOf(toolUsers));
}

async function finishRun(ctx: AgentContext, run: Run, userId: string) {
  if ((await workTasks(ctx, run, userId)) === 'stopped') return;
  const failed = ctx.rnd() < 0.1;
  await ctx.client.finishSession(run.sessionId, failed ? { status: 'failed', error: 'Final verification failed' } : { status: 'completed' });
  ctx.say(failed ? 'run failed at final verification' : `run completed (${run.completed.length} tasks)`);
}

/**
 * Carries on a live run the database already holds. A running one keeps working (slowly) and finishes; a
 * recovering one heartbeats, picks up its restore after a short while and works on; a paused one waits for a
 * person's decision for as long as the simulator runs.
 */
async function adoptSession(ctx: AgentContext, s: AdoptedSession, i: number) {
  // Fresh heartbeats first, spread over a few seconds: seeded runs are seconds away from counting as stale.
  await sleep(Math.min(i * 150, 5000), ctx.signal);
  const { session } = await ctx.client.createSession({ project: s.project, agent: s.agent, externalId: s.externalId });
  const run: Run = {
    sessionId: session.id,
    project: session.project,
    tasks: tasksOf(session.project, ctx.rnd, 1 + Math.floor(ctx.rnd() * 3)),
    taskIndex: 0,
    completed: [],
    history: [{ role: 'user', content: session.currentTask ?? 'Carry on' }],
    toolCalls: 0,
    calm: 0,
  };
  const userId = toolUsers[i % toolUsers.length];
  if (session.status === 'running' || session.status === 'recovering') await ctx.beat(session.id, session.currentTask);
  if (session.status === 'recovering') {
    // An agent takes a little while to notice a restore (5-45 s); its heartbeat stays fresh meanwhile.
    const beats = 1 + Math.floor(ctx.rnd() * 3);
    for (let k = 0; k < beats && !ctx.signal.aborted; k++) {
      await ctx.nap(10_000);
      if (!ctx.signal.aborted) await ctx.beat(session.id);
    }
  }
  if (session.status === 'paused' || session.status === 'recovering') {
    const outcome = await awaitDecision({ ...ctx, decisionTimeoutMs: session.status === 'paused' ? 7 * 86_400_000 : ctx.decisionTimeoutMs }, run);
    if (outcome === 'stopped') return;
  } else if (session.status !== 'running') {
    return;
  }
  ctx.say(`carrying on session ${session.id.slice(0, 8)} (${session.project})`);
  await finishRun(ctx, run, userId);
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
