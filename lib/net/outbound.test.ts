import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyAddress } from './addresses';
import { checkOutboundTarget, OutboundError, outboundRequest } from './outbound';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a00:1', 'private'],
    ['0x7f000001', 'loopback'],
    ['2130706433', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.100.100.200', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.0.192', 'reserved'],
    ['2002:7f00:1::', '6to4'],
    ['not-an-ip', 'invalid'],
  ])('%s is refused (%s)', (ip, range) => {
    expect(classifyAddress(ip)).toMatchObject({ public: false, range });
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (ip) => {
    expect(classifyAddress(ip).public).toBe(true);
  });
});

describe('checkOutboundTarget', () => {
  it.each([
    ['http://127.0.0.1:5432/', '127.0.0.1'],
    ['http://[::1]/', '::1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '127.0.0.1'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://localhost:5432/', '127.0.0.1'],
  ])('%s is refused with the address named', async (url, address) => {
    const err = await checkOutboundTarget(url, { allowedHosts: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundError);
    expect(err).toMatchObject({
      code: 'refused',
      message: expect.stringMatching(new RegExp(`^address (${address}|::1) is private/loopback; allow it with OUTBOUND_ALLOWED_HOSTS$`)),
    });
  });

  it('refuses non-http schemes and URLs with credentials', async () => {
    await expect(checkOutboundTarget('localhost:5432', { allowedHosts: [] })).rejects.toMatchObject({ code: 'bad_url' });
    await expect(checkOutboundTarget('file:///etc/passwd', { allowedHosts: [] })).rejects.toMatchObject({ code: 'bad_url' });
    await expect(checkOutboundTarget('http://u:p@8.8.8.8/', { allowedHosts: [] })).rejects.toMatchObject({ code: 'bad_url' });
  });

  it('accepts a host on the allow-list, whatever spelling the URL uses', async () => {
    await expect(checkOutboundTarget('http://0x7f000001:8080/x', { allowedHosts: ['127.0.0.1'] })).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(checkOutboundTarget('http://[::1]/', { allowedHosts: ['[::1]'] })).resolves.toMatchObject({ address: '::1' });
    await expect(checkOutboundTarget('http://LOCALHOST/', { allowedHosts: ['localhost'] })).resolves.toMatchObject({ url: expect.any(URL) });
    // Allowing 127.0.0.1 does not allow every other loopback spelling of another host.
    await expect(checkOutboundTarget('http://127.0.0.2/', { allowedHosts: ['127.0.0.1'] })).rejects.toMatchObject({ code: 'refused' });
  });
});

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, hits };
}

describe('outboundRequest against a real local server', () => {
  it('reaches 127.0.0.1 only when it is allowed', async () => {
    const s = await serve((_, res) => res.end('hello'));
    const url = `http://127.0.0.1:${s.port}/x`;
    await expect(outboundRequest(url, { allowedHosts: [] })).rejects.toMatchObject({ code: 'refused' });
    expect(s.hits).toEqual([]);
    const res = await outboundRequest(url, { allowedHosts: ['127.0.0.1'] });
    expect({ status: res.status, body: res.body.toString() }).toEqual({ status: 200, body: 'hello' });
    expect(s.hits).toEqual(['GET /x']);
  });

  it('does not follow redirects by default, and re-checks every hop when asked to follow', async () => {
    const inner = await serve((_, res) => res.end('secret'));
    const outer = await serve((req, res) => {
      const to = req.url === '/public' ? `http://127.0.0.1:${inner.port}/ok` : `http://localhost:${inner.port}/admin`;
      res.writeHead(302, { location: to }).end();
    });
    const allowedHosts = ['127.0.0.1'];
    const unfollowed = await outboundRequest(`http://127.0.0.1:${outer.port}/private`, { allowedHosts });
    expect(unfollowed.status).toBe(302);
    // localhost resolves to loopback and is not on the allow-list: the hop is refused, the target never called.
    await expect(outboundRequest(`http://127.0.0.1:${outer.port}/private`, { allowedHosts, maxRedirects: 3 })).rejects.toMatchObject({
      code: 'refused',
    });
    expect(inner.hits).toEqual([]);
    const followed = await outboundRequest(`http://127.0.0.1:${outer.port}/public`, { allowedHosts, maxRedirects: 3 });
    expect(followed.body.toString()).toBe('secret');
    expect(inner.hits).toEqual(['GET /ok']);
  });

  it('stops after 3 redirects', async () => {
    const loop = await serve((req, res) => res.writeHead(302, { location: `/again${req.url}` }).end());
    await expect(outboundRequest(`http://127.0.0.1:${loop.port}/`, { allowedHosts: ['127.0.0.1'], maxRedirects: 10 })).rejects.toMatchObject({
      code: 'redirect',
    });
    expect(loop.hits).toHaveLength(4);
  });

  it('bounds the response size and the total time', async () => {
    const big = await serve((_, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(100_000, 'a'));
      res.end(Buffer.alloc(100_000, 'b'));
    });
    const res = await outboundRequest(`http://127.0.0.1:${big.port}/`, { allowedHosts: ['127.0.0.1'], maxResponseBytes: 1000 });
    expect({ length: res.body.length, truncated: res.truncated }).toEqual({ length: 1000, truncated: true });

    const hang = await serve(() => {});
    const started = Date.now();
    await expect(outboundRequest(`http://127.0.0.1:${hang.port}/`, { allowedHosts: ['127.0.0.1'], timeoutMs: 300 })).rejects.toMatchObject({
      code: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
