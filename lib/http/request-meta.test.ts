import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { ConfigError, parseEnv, resetEnvCache } from '@/lib/env';
import { CLIENT_IP_HEADER, PEER_HEADER, requestMeta } from './request-meta';
import { serveFetch } from './test-server';

/** requestMeta over a real HTTP connection from 127.0.0.1: what a caller can and cannot make us believe. */
let server: Awaited<ReturnType<typeof serveFetch>>;

beforeAll(async () => {
  server = await serveFetch(async (request) => Response.json(requestMeta(request.headers)));
});
afterAll(() => server.close());
afterEach(() => {
  delete process.env.TRUSTED_PROXIES;
  resetEnvCache();
});

async function metaFor(headers: Record<string, string>) {
  return (await fetch(server.url, { headers })).json();
}

it('ignores forwarded headers from a peer that is not a trusted proxy (none by default)', async () => {
  expect(
    await metaFor({ 'x-forwarded-for': '203.0.113.9', 'x-real-ip': '203.0.113.10', 'x-forwarded-proto': 'https', 'user-agent': 'ua/1' }),
  ).toEqual({ ip: '127.0.0.1', userAgent: 'ua/1', protocol: 'http' });
});

it('overwrites a peer header the client sent itself, and drops a client-address header', async () => {
  process.env.TRUSTED_PROXIES = '10.0.0.0/8';
  resetEnvCache();
  expect((await metaFor({ [PEER_HEADER]: '10.0.0.1', 'x-forwarded-for': '203.0.113.9' })).ip).toBe('127.0.0.1');
  const echoed = await serveFetch(async (request) => new Response(request.headers.get(CLIENT_IP_HEADER) ?? 'none'));
  try {
    expect(await (await fetch(echoed.url, { headers: { [CLIENT_IP_HEADER]: '203.0.113.9' } })).text()).toBe('none');
  } finally {
    await echoed.close();
  }
});

it('believes a trusted proxy: the client it appended and its protocol', async () => {
  process.env.TRUSTED_PROXIES = '127.0.0.1, ::1';
  resetEnvCache();
  expect(await metaFor({ 'x-forwarded-for': '6.6.6.6, 203.0.113.9', 'x-forwarded-proto': 'https' })).toMatchObject({
    ip: '203.0.113.9',
    protocol: 'https',
  });
});

it('is unknown, not taken from headers, when no peer was recorded', () => {
  expect(requestMeta(new Headers({ 'x-forwarded-for': '203.0.113.9' })).ip).toBeNull();
});

it('refuses a malformed TRUSTED_PROXIES at start-up, naming it', () => {
  expect(() => parseEnv({ TRUSTED_PROXIES: '10.0.0.0/8, proxy.internal' })).toThrow(ConfigError);
  expect(() => parseEnv({ TRUSTED_PROXIES: '10.0.0.0/8, proxy.internal' })).toThrow(/TRUSTED_PROXIES.*proxy\.internal/);
  expect(parseEnv({ TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8' }).TRUSTED_PROXIES).toBe('10.0.0.0/8, fd00::/8');
});
