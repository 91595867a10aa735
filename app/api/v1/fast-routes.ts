import { POST as batchHeartbeat } from '@/app/api/v1/heartbeats/route';
import { POST as events } from '@/app/api/v1/events/route';
import { GET as control } from '@/app/api/v1/sessions/[id]/control/route';
import { POST as heartbeat } from '@/app/api/v1/sessions/[id]/heartbeat/route';
import { POST as toolExecutions } from '@/app/api/v1/tool-executions/route';
import { env } from '@/lib/env';
import { installFastPath, type FastHandler, type FastRoute } from '@/lib/http/fast-path';

type ApiHandler = ((request: Request, context: { params: Promise<never> }) => Promise<Response>) & { __maxBytes: () => number };

const route = (method: FastRoute['method'], path: RegExp, handler: ApiHandler): FastRoute => ({
  method,
  path,
  handler: handler as unknown as FastHandler,
  maxBytes: handler.__maxBytes,
});

/**
 * The agent API calls served on the fast path (lib/http/fast-path.ts): the ones a running agent makes every few
 * seconds. The handlers are the routes' own exports, so the rules are the same whichever door a request takes.
 */
export const agentFastRoutes: FastRoute[] = [
  route('POST', /^\/api\/v1\/sessions\/(?<id>[^/]+)\/heartbeat$/, heartbeat),
  route('GET', /^\/api\/v1\/sessions\/(?<id>[^/]+)\/control$/, control),
  route('POST', /^\/api\/v1\/heartbeats$/, batchHeartbeat),
  route('POST', /^\/api\/v1\/tool-executions$/, toolExecutions),
  route('POST', /^\/api\/v1\/events$/, events),
];

/** From instrumentation.ts: serve the agent API's hot calls on the fast path unless AGENT_FAST_PATH=0. */
export function installAgentFastPath() {
  if (!env().AGENT_FAST_PATH) return false;
  installFastPath(agentFastRoutes);
  return true;
}
