import { randomUUID } from 'node:crypto';
import type { ActorOf } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import type { PauseType } from '@/lib/db/schema';
import { createCheckpoint } from '@/lib/checkpoints/commands';
import { pauseSession } from '@/lib/interventions/commands';
import { createSession } from '@/lib/sessions/commands';

/** Test data builders: each test makes its own rows with unique names, so tests never depend on each other. */
export const engineer = (name = 'eve'): ActorOf<'user'> => ({
  kind: 'user',
  id: `u-${name}`,
  email: `${name}@example.com`,
  name,
  role: 'engineer',
  via: 'browser',
});
export const agent: ActorOf<'token'> = { kind: 'token', id: 'tok-1', name: 'test', scopes: ['ingest', 'control'], via: 'api' };

export async function makeSession(db: Db, overrides: { project?: string; agentName?: string } = {}) {
  const r = await createSession(db, {
    project: overrides.project ?? `proj-${randomUUID().slice(0, 8)}`,
    agentName: overrides.agentName ?? 'coder',
    externalId: randomUUID(),
    currentTask: 'task-1',
  });
  return r.session;
}

export async function makeCheckpoint(db: Db, sessionId: string, n = 1) {
  const r = await createCheckpoint(db, {
    sessionId,
    checkpointType: 'task_completion',
    conversationHistory: Array.from({ length: n + 1 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${n}-${i}` })),
    currentTaskId: `task-${n}`,
    completedTasks: Array.from({ length: n }, (_, i) => `task-${i}`),
  });
  if (!r.ok) throw new Error('checkpoint failed');
  return r.checkpoint;
}

export async function makePausedSession(db: Db, pauseType: PauseType = 'retry_limit') {
  const session = await makeSession(db);
  const r = await pauseSession(db, {
    sessionId: session.id,
    reason: 'Retry limit hit on web_search',
    pauseType,
    context: { last_error: 'HTTP 429', recent_tool_calls: [{ tool: 'web_search', success: false, error: '429' }] },
  }, agent);
  if (!r.ok) throw new Error(`pause failed: ${r.reason}`);
  return { session, pause: r.pause };
}
