import { expect, it } from 'vitest';
import { appendEvent } from '@/lib/events/append';
import { describeEachDb } from '@/lib/test/db';
import { makeSession } from '@/lib/test/factories';
import { loadSessionPage, TIMELINE_PAGE } from './sessions';

describeEachDb('session page loader', (t) => {
  it('renders the timeline 50 rows at a time: a longer session gets "Earlier" pages that together hold every row once', async () => {
    expect(TIMELINE_PAGE).toBe(50);
    const s = await makeSession(t().db);
    const extra = 12;
    for (let i = 0; i < TIMELINE_PAGE + extra; i++) {
      await appendEvent(t().db, { eventType: `tool_call_${i}`, aggregateType: 'session', aggregateId: s.id, metadata: { i } });
    }
    const first = await loadSessionPage(t().db, { id: s.id });
    expect(first?.timeline.items).toHaveLength(TIMELINE_PAGE);
    expect(first?.timeline.nextCursor).toEqual(expect.any(String));
    const second = await loadSessionPage(t().db, { id: s.id, before: first!.timeline.nextCursor });
    const keys = [...first!.timeline.items, ...second!.timeline.items].map((i) => `${i.kind}:${i.key}`);
    // Every appended event plus what creating the session wrote, each once.
    expect(new Set(keys).size).toBe(keys.length);
    expect(second!.timeline.items.length).toBeGreaterThanOrEqual(extra);
    expect(second!.timeline.items.length).toBeLessThanOrEqual(TIMELINE_PAGE);
    expect(keys.filter((k) => k.startsWith('event:')).length).toBeGreaterThanOrEqual(TIMELINE_PAGE + extra);
    expect(second!.timeline.nextCursor).toBeNull();
  });
});
