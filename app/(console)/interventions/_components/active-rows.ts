import type { ActiveIntervention } from '@/lib/interventions/queries';

export type ToolCall = { tool: string; success?: boolean; error?: string; at?: string };

/**
 * One inbox row as the client table receives it: the columns it renders and the pause context's recent tool calls
 * (tool, outcome, error, time) — not the whole context object nor the keyset cursor. Client props are serialised
 * into every view's Flight payload, and the server's CPU per view follows its size (issue 18). Dates may arrive as
 * strings across the server → client boundary.
 */
export type ActiveRow = Omit<ActiveIntervention, 'paused_at' | 'cursor_at' | 'next_step_at' | 'context'> & {
  paused_at: string | Date;
  next_step_at: string | Date | null;
  recent_tool_calls: ToolCall[];
};

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The recent tool calls of a pause context, each cut to the four fields the row's details show. */
export function recentToolCalls(context: ActiveIntervention['context'] | null | undefined): ToolCall[] {
  const calls = context?.recent_tool_calls;
  if (!Array.isArray(calls)) return [];
  return calls
    .filter((c): c is ToolCall => typeof c === 'object' && c !== null && typeof c.tool === 'string')
    .map((c) => ({
      tool: c.tool,
      ...(typeof c.success === 'boolean' ? { success: c.success } : {}),
      ...(text(c.error) ? { error: text(c.error) } : {}),
      ...(text(c.at) ? { at: text(c.at) } : {}),
    }));
}

export function toActiveRow(row: ActiveIntervention): ActiveRow {
  const { context, cursor_at: _cursor, ...rest } = row;
  return { ...rest, recent_tool_calls: recentToolCalls(context) };
}
