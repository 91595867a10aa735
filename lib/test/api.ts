import * as deployed from '@/app/api/v1/checklists/[id]/deployed/route';
import * as gate from '@/app/api/v1/checklists/[id]/gate/route';
import * as checklists from '@/app/api/v1/checklists/route';
import * as checkpoint from '@/app/api/v1/checkpoints/[id]/route';
import * as events from '@/app/api/v1/events/route';
import * as complete from '@/app/api/v1/recoveries/[id]/complete/route';
import * as checkpoints from '@/app/api/v1/sessions/[id]/checkpoints/route';
import * as control from '@/app/api/v1/sessions/[id]/control/route';
import * as finish from '@/app/api/v1/sessions/[id]/finish/route';
import * as heartbeat from '@/app/api/v1/sessions/[id]/heartbeat/route';
import * as heartbeats from '@/app/api/v1/heartbeats/route';
import * as pause from '@/app/api/v1/sessions/[id]/pause/route';
import * as sessions from '@/app/api/v1/sessions/route';
import * as rate from '@/app/api/v1/tool-executions/[id]/route';
import * as toolExecutions from '@/app/api/v1/tool-executions/route';
import * as usage from '@/app/api/v1/usage/route';
import * as sessionUsage from '@/app/api/v1/sessions/[id]/usage/route';
import * as preferred from '@/app/api/v1/tools/preferred/route';

/**
 * Calls the /api/v1 route handlers in-process, as Next would (a Request plus `{ params }`), so tests and the
 * in-process simulator exercise the real handlers without a server. Test files must `vi.mock('server-only')`.
 */
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type RouteModule = Partial<Record<'GET' | 'POST' | 'PATCH', Handler>>;

export const apiRoutes: Array<[template: string, module: RouteModule]> = [
  ['/api/v1/sessions', sessions as unknown as RouteModule],
  ['/api/v1/sessions/{id}/heartbeat', heartbeat as unknown as RouteModule],
  ['/api/v1/heartbeats', heartbeats as unknown as RouteModule],
  ['/api/v1/sessions/{id}/finish', finish as unknown as RouteModule],
  ['/api/v1/sessions/{id}/checkpoints', checkpoints as unknown as RouteModule],
  ['/api/v1/checkpoints/{id}', checkpoint as unknown as RouteModule],
  ['/api/v1/sessions/{id}/pause', pause as unknown as RouteModule],
  ['/api/v1/sessions/{id}/control', control as unknown as RouteModule],
  ['/api/v1/recoveries/{id}/complete', complete as unknown as RouteModule],
  ['/api/v1/events', events as unknown as RouteModule],
  ['/api/v1/tool-executions', toolExecutions as unknown as RouteModule],
  ['/api/v1/tool-executions/{id}', rate as unknown as RouteModule],
  ['/api/v1/usage', usage as unknown as RouteModule],
  ['/api/v1/sessions/{id}/usage', sessionUsage as unknown as RouteModule],
  ['/api/v1/tools/preferred', preferred as unknown as RouteModule],
  ['/api/v1/checklists', checklists as unknown as RouteModule],
  ['/api/v1/checklists/{id}/gate', gate as unknown as RouteModule],
  ['/api/v1/checklists/{id}/deployed', deployed as unknown as RouteModule],
];

const compiled = apiRoutes.map(([template, mod]) => ({
  re: new RegExp(`^${template.replace('{id}', '(?<id>[^/]+)')}$`),
  mod,
}));

/** A `fetch` that dispatches to the route handlers (404 / 405 like Next for unknown paths or methods). */
export const routeFetch: typeof fetch = async (input, init) => {
  const request = new Request(input instanceof URL ? input.toString() : input, init);
  const url = new URL(request.url);
  for (const { re, mod } of compiled) {
    const m = re.exec(url.pathname);
    if (!m) continue;
    const handler = mod[request.method as 'GET' | 'POST' | 'PATCH'];
    if (!handler) return new Response(null, { status: 405 });
    return handler(request, { params: Promise.resolve({ ...(m.groups ?? {}) }) });
  }
  return new Response(null, { status: 404 });
};

export const BASE = 'http://flightdeck.test';

export async function callApi(
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; raw?: BodyInit; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization ??= `Bearer ${opts.token}`;
  let body: BodyInit | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  } else if (opts.raw !== undefined) {
    headers['content-type'] ??= 'application/json';
  }
  const res = await routeFetch(`${BASE}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}
