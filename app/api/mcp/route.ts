import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { guardedRoute } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { env } from '@/lib/env';
import { createMcpServer } from '@/lib/mcp/server';

/**
 * The MCP server (Streamable HTTP, stateless): `Authorization: Bearer fd_…` with any of ingest / control / read;
 * the token's scopes decide the tools (lib/mcp/server.ts). Each POST gets its own server and transport, so no
 * session lives in memory and any instance behind a load balancer answers. GET (a standalone event stream) and
 * DELETE (ending a session) have no meaning without sessions: Next.js answers them 405, as the transport
 * specification allows.
 */
export const POST = guardedRoute({ scopes: ['ingest', 'control', 'read'] }, async ({ actor, request }) => {
  if (actor.kind !== 'token') throw new AppError('unauthorized', 'An API token is required (Authorization: Bearer …)');
  const server = createMcpServer({ db: await getDb(), principal: { ...actor, via: 'mcp' }, request });
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    // A checkpoint's history is the largest argument a tool takes.
    maxRequestBodySize: Math.max(env().API_MAX_BODY_BYTES, env().API_MAX_CHECKPOINT_BYTES),
  });
  await server.connect(transport);
  const response = await transport.handleRequest(request);
  // An answer may be an event stream held open while request_human_decision waits (with keep-alive comments):
  // "no-transform" keeps Next's compression from buffering it until the end.
  const headers = new Headers(response.headers);
  headers.set('cache-control', 'no-store, no-transform');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
});
