import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { findUnstorableJson } from '@/lib/api/handler';
import type { ActorOf } from '@/lib/auth/actor';
import type { TokenScope } from '@/lib/auth/permissions';
import type { Db } from '@/lib/db/client';
import { AppError, toAppError, type FieldError } from '@/lib/errors';
import { log } from '@/lib/log';

/**
 * One MCP tool: a zod input schema (published as the tool's JSON Schema and parsed once, here, like a route's
 * body), the scopes that list and allow it, and `run`, which calls the same commands and reads as the HTTP API.
 * A tool answers structured content plus a one-line text summary; a refusal is an MCP tool error (isError)
 * whose structured content is the HTTP API's error body, `{error: {code, message, fields?}}` (lib/errors.ts).
 */
export type ToolContext = {
  db: Db;
  /** The API token that called, as an Actor with via 'mcp'. */
  principal: ActorOf<'token'>;
  /** The HTTP request (address, user agent) and its abort signal (a client that hangs up ends a wait). */
  request: Request;
};

export type ToolOutput = { summary: string; data: Record<string, unknown> };

export type McpTool = {
  name: string;
  title: string;
  description: string;
  /** The token needs every one of these scopes to see and call the tool. */
  scopes: TokenScope[];
  input: z.ZodObject;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean };
  run: (ctx: ToolContext, input: never) => Promise<ToolOutput>;
};

/** Keeps `run`'s input typed by the schema while the registry holds tools of every shape. */
export function defineTool<S extends z.ZodObject>(
  t: Omit<McpTool, 'input' | 'run'> & { input: S; run: (ctx: ToolContext, input: z.output<S>) => Promise<ToolOutput> },
): McpTool {
  return t as unknown as McpTool;
}

/** The scopes the token lacks for this tool (none: it may call it). */
export function missingScopes(tool: Pick<McpTool, 'scopes'>, scopes: readonly TokenScope[]) {
  return tool.scopes.filter((s) => !scopes.includes(s));
}

/** The tool's input schema as JSON Schema (what a client shows its model), without the $schema marker. */
export function inputJsonSchema(tool: McpTool) {
  const schema = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema.$schema;
  return { ...schema, type: 'object' as const };
}

export function toolResult(out: ToolOutput): CallToolResult {
  return { content: [{ type: 'text', text: out.summary }], structuredContent: out.data };
}

export function toolError(err: AppError): CallToolResult {
  const fields = err.fields?.length ? ` (${err.fields.map((f) => `${f.path}: ${f.message}`).join('; ')})` : '';
  return {
    isError: true,
    content: [{ type: 'text', text: `${err.code}: ${err.message}${fields}` }],
    structuredContent: err.toJSON(),
  };
}

/** Arguments that do not match the schema: 'unprocessable' naming each field, as an HTTP body would be. */
export function parseArguments(tool: McpTool, args: unknown) {
  const unstorable = findUnstorableJson(args);
  if (unstorable) throw new AppError('bad_request', 'The arguments cannot be stored', { fields: [unstorable] });
  const parsed = tool.input.safeParse(args ?? {});
  if (parsed.success) return parsed.data;
  const fields: FieldError[] = parsed.error.issues.slice(0, 50).map((i) => ({
    path: i.path.map(String).join('.') || '(arguments)',
    message: i.message,
  }));
  throw new AppError('unprocessable', `The arguments of ${tool.name} are invalid`, { fields });
}

/** Runs a tool; refusals and database errors a caller may see become tool errors, anything else a logged 'internal'. */
export async function runTool(tool: McpTool, ctx: ToolContext, args: unknown): Promise<CallToolResult> {
  try {
    const input = parseArguments(tool, args);
    return toolResult(await tool.run(ctx, input as never));
  } catch (err) {
    const app = toAppError(err);
    if (app) return toolError(app);
    log().error({ err, tool: tool.name }, 'mcp tool failed');
    return toolError(new AppError('internal', 'Internal error'));
  }
}
