/**
 * Turns a stored message (OpenAI-style `tool_calls`, Anthropic-style content blocks, or anything else an agent
 * sends) into parts the checkpoint page can show. Unknown shapes fall back to their JSON, never to nothing.
 */
export type MessagePart =
  | { kind: 'text'; text: string }
  | { kind: 'tool_call'; name: string; args: string }
  | { kind: 'tool_result'; ref: string | null; text: string };

export type NormalizedMessage = { role: string; name: string | null; parts: MessagePart[]; chars: number };

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x && 'text' in x ? String((x as { text: unknown }).text) : asText(x))).join('\n');
  return JSON.stringify(v, null, 2);
}

function blockParts(block: unknown): MessagePart[] {
  if (typeof block === 'string') return [{ kind: 'text', text: block }];
  if (!block || typeof block !== 'object') return [{ kind: 'text', text: asText(block) }];
  const b = block as Record<string, unknown>;
  if (b.type === 'text' && typeof b.text === 'string') return [{ kind: 'text', text: b.text }];
  if (b.type === 'tool_use') return [{ kind: 'tool_call', name: String(b.name ?? 'tool'), args: asText(b.input) }];
  if (b.type === 'tool_result') {
    return [{ kind: 'tool_result', ref: typeof b.tool_use_id === 'string' ? b.tool_use_id : null, text: asText(b.content) }];
  }
  return [{ kind: 'text', text: JSON.stringify(b, null, 2) }];
}

export function normalizeMessage(raw: unknown): NormalizedMessage {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    const text = asText(raw);
    return { role: 'unknown', name: null, parts: [{ kind: 'text', text }], chars: text.length };
  }
  const m = raw as Record<string, unknown>;
  const role = typeof m.role === 'string' ? m.role : 'unknown';
  const parts: MessagePart[] = [];
  if (role === 'tool' || role === 'function') {
    parts.push({ kind: 'tool_result', ref: typeof m.tool_call_id === 'string' ? m.tool_call_id : null, text: asText(m.content) });
  } else if (Array.isArray(m.content)) {
    for (const block of m.content) parts.push(...blockParts(block));
  } else if (m.content !== undefined && m.content !== null && m.content !== '') {
    parts.push({ kind: 'text', text: asText(m.content) });
  }
  if (Array.isArray(m.tool_calls)) {
    for (const call of m.tool_calls as Array<Record<string, unknown>>) {
      const fn = (call?.function ?? call) as Record<string, unknown>;
      parts.push({ kind: 'tool_call', name: String(fn?.name ?? 'tool'), args: asText(fn?.arguments ?? fn?.args ?? fn?.input) });
    }
  }
  if (!parts.length) {
    const rest = Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'role'));
    parts.push({ kind: 'text', text: Object.keys(rest).length ? JSON.stringify(rest, null, 2) : '' });
  }
  const chars = parts.reduce((n, p) => n + (p.kind === 'tool_call' ? p.args.length + p.name.length : p.text.length), 0);
  return { role, name: typeof m.name === 'string' ? m.name : null, parts, chars };
}

/** Cuts a long text for the page; the rest is one click away (the single-message view). */
export function foldText(text: string, max: number): { shown: string; hidden: number } {
  return text.length <= max ? { shown: text, hidden: 0 } : { shown: text.slice(0, max), hidden: text.length - max };
}
