import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createClient } from '@/lib/api-client';
import { createApiToken } from '@/lib/auth/tokens';
import { startRecovery } from '@/lib/checkpoints/recovery';
import { queryRows, setDbHandleForTests } from '@/lib/db/client';
import { agentSessions, checkpointRecoveries, pausedSessions } from '@/lib/db/schema';
import { abortSession, resumeSession } from '@/lib/interventions/commands';
import { BASE, routeFetch } from '@/lib/test/api';
import { describeEachDb } from '@/lib/test/db';
import { engineer } from '@/lib/test/factories';
import { tools as catalogTools } from '@/lib/seed/catalog';
import { applyDecision, startSimulator } from './index';

vi.mock('server-only', () => ({}));

/** The control loop through the real handlers: an agent pauses and long-polls; a person decides; the agent acts. */
describeEachDb('agent control loop', (t) => {
  let token = '';
  beforeAll(async () => {
    setDbHandleForTests(t().handle);
    token = (await createApiToken(t().db, { name: 'sim', scopes: ['ingest', 'control', 'read'] })).token;
  });
  afterAll(() => setDbHandleForTests(undefined));
  const api = () => createClient({ baseUrl: BASE, token, fetch: routeFetch });
  const quiet = () => {};

  async function pausedAgent() {
    const c = api();
    const { session } = await c.createSession({ project: 'loop', agent: 'coder', externalId: crypto.randomUUID() });
    const cp = await c.createCheckpoint(session.id, {
      checkpointType: 'task_completion',
      conversationHistory: [{ role: 'user', content: 'start' }],
      currentTaskId: 'task-2',
      completedTasks: ['task-1'],
    });
    const { pause } = await c.pause(session.id, { reason: 'Retry limit on web_search', pauseType: 'retry_limit', checkpointId: cp.id });
    return { c, session, pause };
  }

  it('a resume reaches the long-polling agent with the note', async () => {
    const { c, session, pause } = await pausedAgent();
    expect(await c.getControl(session.id)).toMatchObject({ action: 'wait', pausedSessionId: pause.id });
    const polling = c.waitForControl(session.id, { pollSeconds: 20 });
    await resumeSession(t().db, { pausedSessionId: pause.id, note: 'Use the cached results' }, engineer());
    const decision = await polling;
    expect(decision).toMatchObject({ action: 'resume', note: 'Use the cached results', resolvedBy: 'eve@example.com' });
    expect(await applyDecision({ client: c, decision, sessionId: session.id, say: quiet })).toEqual({ kind: 'continue', note: 'Use the cached results' });
    expect(await c.getControl(session.id)).toMatchObject({ action: 'continue' });
  });

  it('a restore delivers the checkpoint state and the agent completes the recovery', async () => {
    const { c, session } = await pausedAgent();
    const polling = c.waitForControl(session.id, { pollSeconds: 20 });
    const r = await startRecovery(t().db, { sessionId: session.id, modifications: { instruction: 'Skip the flaky test' } }, engineer());
    expect(r.ok).toBe(true);
    const decision = await polling;
    expect(decision.action).toBe('restore');
    if (decision.action !== 'restore') return;
    expect(decision.checkpoint).toMatchObject({ completedTasks: ['task-1'], currentTaskId: 'task-2' });
    expect(decision.checkpoint.conversationHistory.at(-1)).toMatchObject({ content: 'Skip the flaky test' });
    const outcome = await applyDecision({ client: c, decision, sessionId: session.id, say: quiet });
    expect(outcome).toMatchObject({ kind: 'restored', completed: ['task-1'] });
    const [rec] = await t().db.select().from(checkpointRecoveries).where(eq(checkpointRecoveries.sessionId, session.id));
    expect(rec.recoveryStatus).toBe('succeeded');
    const [s] = await t().db.select().from(agentSessions).where(eq(agentSessions.id, session.id));
    expect(s.status).toBe('running');
  });

  it('an abort stops the agent', async () => {
    const { c, session, pause } = await pausedAgent();
    const polling = c.waitForControl(session.id, { pollSeconds: 20 });
    await abortSession(t().db, { pausedSessionId: pause.id, reason: 'Wrong branch' }, engineer());
    const decision = await polling;
    expect(decision).toMatchObject({ action: 'abort', reason: 'Wrong branch' });
    expect(await applyDecision({ client: c, decision, sessionId: session.id, say: quiet })).toEqual({ kind: 'stop' });
  });

  it('a simulated fleet works, pauses, gets decisions and finishes its runs', async () => {
    const db = t().db;
    const lines: string[] = [];
    const sim = startSimulator({ url: BASE, token, agents: 2, fetch: routeFetch, pace: 0.005, troubleRate: 0.5, log: (l) => lines.push(l) });
    // A person answering every open pause in turn: resume, restore, abort — until the agents have been seen acting
    // on each kind of decision (a restore is refused while the session has no checkpoint yet, so keep cycling).
    const expected = [/resumed by eve@example.com; instructions: "carry on"/, /reported as succeeded/, /aborted by eve@example.com: enough; stopping/];
    let n = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const open = await db.select().from(pausedSessions).where(and(eq(pausedSessions.resolved, false)));
      for (const p of open) {
        const [s] = await db.select().from(agentSessions).where(eq(agentSessions.id, p.sessionId));
        if (s.project === 'loop') continue;
        const choice = n++ % 3;
        if (choice === 0) await resumeSession(db, { pausedSessionId: p.id, note: 'carry on' }, engineer());
        if (choice === 1) await startRecovery(db, { sessionId: p.sessionId }, engineer());
        if (choice === 2) await abortSession(db, { pausedSessionId: p.id, reason: 'enough' }, engineer());
      }
      if (expected.every((re) => lines.some((l) => re.test(l)))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await sim.stop();
    for (const re of expected) expect(lines.some((l) => re.test(l)), String(re)).toBe(true);
    const [counts] = await queryRows<{ tools: number; events: number; checkpoints: number }>(
      db,
      sql`SELECT (SELECT count(*)::int FROM user_tool_history) AS tools,
                 (SELECT count(*)::int FROM execution_events WHERE event_type = 'tool_called') AS events,
                 (SELECT count(*)::int FROM session_checkpoints) AS checkpoints`,
    );
    expect(counts.tools).toBeGreaterThan(0);
    expect(counts.events).toBeGreaterThan(0);
    expect(counts.checkpoints).toBeGreaterThan(0);
    // One tool vocabulary: the fleet calls the tools the demo seed's history names.
    const used = await queryRows<{ tool_name: string }>(db, sql`SELECT DISTINCT tool_name FROM user_tool_history`);
    expect(used.map((r) => r.tool_name).filter((n) => !catalogTools.some((c) => c.name === n))).toEqual([]);
    // A resumed agent finishes at least two tasks of that session before it may pause again (a run that ends
    // sooner has shown its progress: the next session's pause is a new one, so the count starts over).
    for (const agent of new Set(lines.map((l) => l.split(' ')[0]))) {
      let sinceResume: number | null = null;
      for (const l of lines.filter((x) => x.startsWith(`${agent} `))) {
        if (/ resumed by /.test(l)) sinceResume = 0;
        else if (/ run completed | run failed | started session /.test(l)) sinceResume = null;
        else if (/ finished "/.test(l) && sinceResume !== null) sinceResume++;
        else if (/ paused \(/.test(l) && sinceResume !== null) {
          expect(sinceResume, `${agent}: tasks finished between a resume and the next pause`).toBeGreaterThanOrEqual(2);
          sinceResume = null;
        }
      }
    }
  }, 120_000);

  it('by default most tasks go through: a pause is the exception, not what every agent does within a minute', async () => {
    const lines: string[] = [];
    // Nobody answers here, so a paused run gives up at once and the agent starts another.
    const sim = startSimulator({ url: BASE, token, agents: 3, fetch: routeFetch, pace: 0.0005, decisionTimeoutMs: 1, log: (l) => lines.push(l) });
    const finished = () => lines.filter((l) => / finished "/.test(l)).length;
    const deadline = Date.now() + 60_000;
    while (finished() < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await sim.stop();
    expect(finished()).toBeGreaterThanOrEqual(100);
    // 1.5 % of tasks: about 1.5 pauses expected per 100 tasks.
    expect(lines.filter((l) => / paused \(/.test(l)).length).toBeLessThanOrEqual(8);
  }, 90_000);

  it('carries on live runs it is given: heartbeats a running one to the end, picks up an open restore', async () => {
    const db = t().db;
    const c = api();
    const { session: running } = await c.createSession({ project: 'checkout-service', agent: 'refactor-bot', externalId: `seeded-${crypto.randomUUID()}` });
    await db.update(agentSessions).set({ lastHeartbeatAt: new Date(Date.now() - 100_000) }).where(eq(agentSessions.id, running.id));
    const { session: recovering } = await c.createSession({ project: 'data-pipeline', agent: 'etl-agent', externalId: `seeded-${crypto.randomUUID()}` });
    await c.createCheckpoint(recovering.id, { checkpointType: 'task_completion', conversationHistory: [{ role: 'user', content: 'go' }], completedTasks: [] });
    const restore = await startRecovery(db, { sessionId: recovering.id }, engineer());
    expect(restore.ok).toBe(true);
    const adopt = [running, recovering].map((s) => ({ project: s.project, agent: s.agentName, externalId: s.externalId!, status: s.status }));
    const sim = startSimulator({ url: BASE, token, agents: 0, adopt, fetch: routeFetch, pace: 0.002, troubleRate: 0, log: quiet });
    await Promise.race([sim.done, new Promise((r) => setTimeout(r, 60_000))]);
    await sim.stop();
    const [r] = await db.select().from(agentSessions).where(eq(agentSessions.id, running.id));
    expect(['completed', 'failed']).toContain(r.status);
    expect(Date.now() - r.lastHeartbeatAt.getTime()).toBeLessThan(60_000);
    const [rec] = await db.select().from(checkpointRecoveries).where(eq(checkpointRecoveries.sessionId, recovering.id));
    expect(rec.recoveryStatus).toBe('succeeded');
  }, 90_000);
});
