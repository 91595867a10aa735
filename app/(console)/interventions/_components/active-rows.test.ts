import { describe, expect, it } from 'vitest';
import type { ActiveIntervention } from '@/lib/interventions/queries';
import { recentToolCalls, toActiveRow } from './active-rows';

const row = (context: ActiveIntervention['context']): ActiveIntervention => ({
  id: 'p1',
  session_id: 's1',
  project: 'proj',
  agent_name: 'bot',
  reason: 'retry limit',
  pause_type: 'retry_limit',
  current_task: 'step 3',
  last_error: 'boom',
  context,
  paused_at: new Date('2026-12-07T10:00:00Z'),
  assigned_to: null,
  next_step_at: null,
  next_step_kind: null,
  policy_name: null,
  escalated: false,
  cursor_at: '2026-12-07 10:00:00+00',
  pending_request_id: null,
  pending_requested_by: null,
});

describe('inbox rows handed to the client table', () => {
  it('keep the rendered columns and the recent tool calls, and drop the rest of the pause context and the cursor', () => {
    const context = {
      last_error: 'boom',
      recent_tool_calls: [
        { tool: 'sql_query', success: false, error: 'relation does not exist', at: '2026-12-07T09:59:00Z', args: { q: 'x'.repeat(5000) } },
        { tool: 'file_read', success: true },
      ],
      conversation_tail: 'y'.repeat(20_000),
    };
    const out = toActiveRow(row(context));
    expect(out).toMatchObject({ id: 'p1', project: 'proj', reason: 'retry limit', last_error: 'boom', current_task: 'step 3' });
    expect(out.recent_tool_calls).toEqual([
      { tool: 'sql_query', success: false, error: 'relation does not exist', at: '2026-12-07T09:59:00Z' },
      { tool: 'file_read', success: true },
    ]);
    expect(out).not.toHaveProperty('context');
    expect(out).not.toHaveProperty('cursor_at');
    expect(JSON.stringify(out).length).toBeLessThan(1000);
  });

  it('read a context without tool calls, or with malformed ones, as none', () => {
    expect(recentToolCalls({})).toEqual([]);
    expect(recentToolCalls(null)).toEqual([]);
    expect(recentToolCalls({ recent_tool_calls: 'nope' as unknown as [] })).toEqual([]);
    expect(recentToolCalls({ recent_tool_calls: [null, { success: true }, { tool: 'shell', error: 42 }] as never })).toEqual([{ tool: 'shell' }]);
  });
});
