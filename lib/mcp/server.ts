import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { recordAudit } from '@/lib/audit/log';
import { AppError } from '@/lib/errors';
import { isUuid } from '@/lib/sessions/queries';
import { agentTools } from './agent-tools';
import { assistantTools } from './assistant-tools';
import { loadInterventions, loadSessionView } from './reads';
import { inputJsonSchema, missingScopes, runTool, toolError, type McpTool, type ToolContext } from './tool';

/**
 * One MCP server per HTTP request (stateless: nothing lives between requests, so any instance can answer any
 * call). The token's scopes decide what it lists and what it may call: a tool outside them is not listed, and
 * calling it anyway is a `forbidden` tool error, audited like a refused HTTP call.
 */
export const mcpTools: McpTool[] = [...agentTools, ...assistantTools];

export const MCP_SERVER_INFO = { name: 'flightdeck', version: '1.0.0' };

const instructions =
  'Flightdeck runs fleets of long-running AI agents. Agents: start_session, save_checkpoint and report_tool_execution ' +
  'as you work; request_human_decision when you need a person (call it again while the answer is "wait"); ' +
  'finish_session at the end. Assistants: list_interventions shows what waits for a person, get_session explains one, ' +
  'resume_session / abort_session / restore_session decide.';

export function createMcpServer(ctx: ToolContext): McpServer {
  const scopes = ctx.principal.scopes;
  const mcp = new McpServer(MCP_SERVER_INFO, { capabilities: { tools: {}, resources: {} }, instructions });
  const listed = mcpTools.filter((t) => !missingScopes(t, scopes).length);
  const byName = new Map(mcpTools.map((t) => [t.name, t]));

  // Tools through the low-level handlers: the input is parsed by our zod schema so a bad argument is answered
  // with the HTTP API's `unprocessable` and its field list, not the SDK's generic validation text.
  mcp.server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: listed.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: inputJsonSchema(t),
      annotations: { title: t.title, ...t.annotations },
    })),
  }));
  mcp.server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = byName.get(request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool ${request.params.name}`);
    const missing = missingScopes(tool, scopes);
    if (missing.length) {
      await recordAudit(ctx.db, {
        actor: ctx.principal,
        action: 'auth.denied',
        outcome: 'denied',
        details: { method: 'POST', path: '/api/mcp', tool: tool.name, scopes: tool.scopes },
      });
      return toolError(new AppError('forbidden', `This token lacks the scope: ${missing.join(' and ')}`));
    }
    return runTool(tool, ctx, request.params.arguments);
  });

  if (scopes.includes('read')) registerResources(mcp, ctx);
  return mcp;
}

function registerResources(mcp: McpServer, ctx: ToolContext) {
  const json = (uri: URL, value: unknown) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value) }] });
  mcp.registerResource(
    'interventions',
    'flightdeck://interventions',
    { title: 'Open interventions', description: 'Paused sessions waiting for a person, oldest first (up to 100)', mimeType: 'application/json' },
    async (uri) => json(uri, await loadInterventions(ctx.db, { limit: 100 })),
  );
  mcp.registerResource(
    'session',
    new ResourceTemplate('flightdeck://sessions/{id}', { list: undefined }),
    { title: 'A session', description: 'Status, open pause, last error, latest checkpoints and timeline tail', mimeType: 'application/json' },
    async (uri, { id }) => {
      const view = typeof id === 'string' && isUuid(id) ? await loadSessionView(ctx.db, { sessionId: id.toLowerCase() }) : null;
      if (!view) throw new McpError(-32002, `No session with this id: ${uri.href}`);
      return json(uri, view);
    },
  );
}
