import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

/**
 * DNS rebinding: a name that answers a public address to the check and a private one to the connect. The client
 * resolves once and connects to what it checked, so the second answer is never asked for. node:dns is replaced
 * here (a test about DNS answers cannot depend on the machine's resolver); the HTTP server is real.
 */
const answers = vi.hoisted(() => ({ calls: 0, sequence: [] as string[] }));
vi.mock('node:dns', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:dns')>();
  const lookup = (host: string, options: unknown, cb: (err: Error | null, a: { address: string; family: number }[]) => void) => {
    if (host !== 'rebind.example') return (real.lookup as (...a: unknown[]) => void)(host, options, cb);
    const address = answers.sequence[Math.min(answers.calls++, answers.sequence.length - 1)];
    cb(null, [{ address, family: 4 }]);
  };
  return { ...real, default: { ...real, lookup }, lookup };
});

const { outboundRequest } = await import('./outbound');

let server: Server;
let port = 0;
const hits: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.headers.host ?? '');
    res.end('reached');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

it('resolves once, refuses a private answer, and connects to the address it checked', async () => {
  // First answer private: refused before any connection.
  answers.calls = 0;
  answers.sequence = ['127.0.0.1', '8.8.8.8'];
  await expect(outboundRequest(`http://rebind.example:${port}/`, { allowedHosts: [] })).rejects.toMatchObject({ code: 'refused' });
  expect(hits).toEqual([]);
  // Allowed name answering 127.0.0.1 first, then something else: the socket goes to the address that was checked
  // and the resolver is asked exactly once.
  answers.calls = 0;
  answers.sequence = ['127.0.0.1', '10.9.9.9'];
  const res = await outboundRequest(`http://rebind.example:${port}/`, { allowedHosts: ['rebind.example'] });
  expect(res.body.toString()).toBe('reached');
  expect(answers.calls).toBe(1);
  expect(hits).toEqual([`rebind.example:${port}`]);
});
