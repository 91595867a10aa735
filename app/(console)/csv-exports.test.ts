import { beforeAll, expect, it, vi } from 'vitest';
import { completeRecovery, startRecovery } from '@/lib/checkpoints/recovery';
import { pauseSession } from '@/lib/interventions/commands';
import { describeEachDb } from '@/lib/test/db';
import { agent, engineer, makeCheckpoint, makePausedSession, makeSession } from '@/lib/test/factories';

/** The CSV export routes over a real database: what a spreadsheet would open. */
const state = vi.hoisted(() => ({ db: undefined as unknown }));
vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('@/lib/auth/auth', () => ({
  getAuth: async () => ({
    api: { getSession: async () => ({ user: { id: 'u-viewer', email: 'v@example.com', name: 'V', role: 'viewer' }, session: {} }) },
  }),
}));
vi.mock('@/lib/db/client', async (importOriginal) => {
  const m = await importOriginal<typeof import('@/lib/db/client')>();
  return { ...m, getDb: async () => state.db };
});

const recoveriesExport = await import('./recoveries/export/route');
const interventionsExport = await import('./interventions/export/route');

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function get(route: { GET: (r: Request, c: { params: Promise<Record<string, string>> }) => Promise<Response> }, url: string) {
  const res = await route.GET(new Request(`http://localhost${url}`, { headers: { 'sec-fetch-site': 'same-origin' } }), {
    params: Promise.resolve({}),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

/** Minimal RFC 4180 reader, enough to check cells exactly. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (quoted) {
      cell += ch;
    } else if (ch === ',') {
      endCell();
    } else if (ch === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else {
      cell += ch;
    }
  }
  return rows;
}

describeEachDb('CSV exports', (t) => {
  beforeAll(() => {
    state.db = t().db;
  });

  it('Recoveries: the history with injected text neutralised and times in ISO 8601 UTC', async () => {
    const { session } = await makePausedSession(t().db);
    await makeCheckpoint(t().db, session.id, 1);
    const started = await startRecovery(t().db, { sessionId: session.id }, engineer('ann'));
    if (!started.ok) throw new Error(started.reason);
    await completeRecovery(t().db, { recoveryId: started.recovery.id, status: 'failed', error: ' \n=HYPERLINK("http://x.example","y")' }, agent);

    const res = await get(recoveriesExport, '/recoveries/export?days=7&status=failed');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/csv');
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toEqual([
      'id', 'session_id', 'project', 'agent_name', 'checkpoint_sequence', 'recovery_method', 'recovery_status',
      'started_at', 'completed_at', 'duration_seconds', 'initiated_by', 'error',
    ]);
    const mine = rows.find((r) => r[0] === started.recovery.id);
    expect(mine).toBeDefined();
    const cell = (name: string) => mine![header.indexOf(name)];
    expect(cell('error')).toBe(`' \n=HYPERLINK("http://x.example","y")`);
    expect(cell('recovery_status')).toBe('failed');
    expect(cell('started_at')).toMatch(ISO_UTC);
    expect(cell('completed_at')).toMatch(ISO_UTC);
    expect(cell('initiated_by')).toBe('ann@example.com');
  });

  it('Recoveries: a bad window or status is a 400 naming it', async () => {
    expect(await get(recoveriesExport, '/recoveries/export?days=5')).toMatchObject({ status: 400, body: expect.stringContaining('days') });
    expect(await get(recoveriesExport, '/recoveries/export?status=nope')).toMatchObject({ status: 400, body: expect.stringContaining('status') });
    // The page's own range parameters: an inverted custom range is refused, not silently widened.
    expect(await get(recoveriesExport, '/recoveries/export?range=custom&from=2026-03-02&to=2026-03-01')).toMatchObject({
      status: 400,
      body: expect.stringContaining('range'),
    });
  });

  it('Recoveries: the export follows the page range (a custom span before the recovery has no rows)', async () => {
    const res = await get(recoveriesExport, '/recoveries/export?range=custom&from=2020-01-01&to=2020-01-31');
    expect(res.status).toBe(200);
    expect(res.body.trim().split('\r\n')).toHaveLength(1);
  });

  it('Interventions: a full-width formula in the reason is neutralised; paused_at is ISO 8601 UTC', async () => {
    const s = await makeSession(t().db, { project: `csv-${Date.now()}` });
    const p = await pauseSession(t().db, { sessionId: s.id, reason: '\u3000＝cmd|" /c calc"!A0', pauseType: 'manual' }, agent);
    if (!p.ok) throw new Error(p.reason);
    const res = await get(interventionsExport, `/interventions/export?project=${s.project}`);
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(res.body);
    const mine = rows.find((r) => r[0] === p.pause.id);
    expect(mine).toBeDefined();
    expect(mine![header.indexOf('reason')]).toBe(`'\u3000＝cmd|" /c calc"!A0`);
    expect(mine![header.indexOf('paused_at')]).toMatch(ISO_UTC);
  });
});
