import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it, vi } from 'vitest';
import { installAgentFastPath } from '@/app/api/v1/fast-routes';
import { resetEnvCache } from '@/lib/env';

vi.mock('server-only', () => ({}));

/** README: `AGENT_FAST_PATH=0` sends the hot calls through Next.js; on (the default) they take the fast path. */
const server = createServer((req, res) => {
  res.statusCode = 299;
  res.end('next');
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('AGENT_FAST_PATH=0 leaves the hot calls to Next.js; 1 serves them on the fast path', async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/sessions/00000000-0000-4000-8000-000000000000/heartbeat`;
  const beat = () => fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  vi.stubEnv('AGENT_FAST_PATH', '0');
  resetEnvCache();
  expect(installAgentFastPath()).toBe(false);
  const off = await beat();
  expect([off.status, await off.text()]).toEqual([299, 'next']);

  vi.stubEnv('AGENT_FAST_PATH', '1');
  resetEnvCache();
  expect(installAgentFastPath()).toBe(true);
  const on = await beat();
  expect(on.status).toBe(401); // the route's own guard: no token
  expect(on.headers.get('server-timing')).toMatch(/\bfast$/);
  vi.unstubAllEnvs();
  resetEnvCache();
});
