import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { installKeepAlive } from './keep-alive';

/**
 * README: idle keep-alive connections stay open HTTP_KEEP_ALIVE_TIMEOUT_S (Node's own default is 5 s). Read on a
 * real socket: one request, then the time until the server closes the idle connection.
 */
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function listen(): Promise<number> {
  const server = createServer((_req, res) => res.end('ok'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Sends one keep-alive request on a raw socket; resolves with ms from the answer until the server closes it. */
function idleMsUntilClosed(port: number, boundMs: number): Promise<{ answered: boolean; idleMs: number | null }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answeredAt = 0;
    const bound = setTimeout(() => {
      socket.destroy();
      resolve({ answered: answeredAt > 0, idleMs: null });
    }, boundMs);
    socket.on('data', (chunk) => {
      if (!answeredAt && chunk.toString().startsWith('HTTP/1.1 200')) answeredAt = performance.now();
    });
    socket.on('close', () => {
      clearTimeout(bound);
      resolve({ answered: answeredAt > 0, idleMs: answeredAt ? performance.now() - answeredAt : null });
    });
    socket.on('error', reject);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
  });
}

it('applies the configured idle time to every server of the process, from its first request', async () => {
  installKeepAlive(700);
  const port = await listen();
  const first = await idleMsUntilClosed(port, 4000);
  expect(first.answered).toBe(true);
  // Closed after ~0.7 s idle, not after Node's 5 s.
  expect(first.idleMs).toBeGreaterThan(500);
  expect(first.idleMs).toBeLessThan(2000);
  expect(servers[0].headersTimeout).toBeGreaterThan(700);
});

it('keeps an idle connection past Node’s 5 s default when set longer (an agent beating every 10 s keeps its connection)', async () => {
  installKeepAlive(65_000);
  const port = await listen();
  const idle = await idleMsUntilClosed(port, 6000);
  expect(idle.answered).toBe(true);
  expect(idle.idleMs).toBeNull(); // still open after 6 s
  expect(servers[0].keepAliveTimeout).toBe(65_000);
  expect(servers[0].headersTimeout).toBeGreaterThan(65_000);
}, 15_000);
