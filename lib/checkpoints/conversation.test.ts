import { describe, expect, it } from 'vitest';
import { foldText, normalizeMessage } from './conversation';

describe('normalizeMessage', () => {
  it('reads OpenAI-style tool calls and tool results', () => {
    expect(normalizeMessage({ role: 'assistant', content: 'Searching', tool_calls: [{ function: { name: 'web_search', arguments: '{"q":"x"}' } }] })).toMatchObject({
      role: 'assistant',
      parts: [
        { kind: 'text', text: 'Searching' },
        { kind: 'tool_call', name: 'web_search', args: '{"q":"x"}' },
      ],
    });
    expect(normalizeMessage({ role: 'tool', tool_call_id: 'c1', content: 'result' }).parts).toEqual([{ kind: 'tool_result', ref: 'c1', text: 'result' }]);
  });

  it('reads Anthropic-style content blocks', () => {
    const m = normalizeMessage({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me look' },
        { type: 'tool_use', name: 'read_file', input: { path: 'a.ts' } },
        { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'file body' }] },
      ],
    });
    expect(m.parts.map((p) => p.kind)).toEqual(['text', 'tool_call', 'tool_result']);
    expect(m.parts[2]).toMatchObject({ ref: 't1', text: 'file body' });
  });

  it('shows unknown shapes as JSON instead of dropping them', () => {
    expect(normalizeMessage({ event: 'x', value: 1 }).parts[0]).toMatchObject({ kind: 'text', text: expect.stringContaining('"event": "x"') });
    expect(normalizeMessage('plain')).toMatchObject({ role: 'unknown', parts: [{ kind: 'text', text: 'plain' }] });
  });
});

describe('foldText', () => {
  it('keeps short texts whole and cuts long ones, counting what it hid', () => {
    expect(foldText('abc', 5)).toEqual({ shown: 'abc', hidden: 0 });
    expect(foldText('abcdefgh', 5)).toEqual({ shown: 'abcde', hidden: 3 });
  });
});
