import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Slack, over real HTTP on 127.0.0.1: it receives incoming-webhook messages
 * (`/webhook/<name>`) and response_url posts (`/response/<n>`), and plays the person in the channel: `click()`
 * reads a button from a received message, builds the block_actions payload Slack would send, signs it exactly
 * as Slack does (v0 HMAC-SHA256 of `v0:<timestamp>:<form body>`) and hands it to the app.
 */
export type SlackButton = { type: string; action_id: string; value?: string; url?: string; text: { text: string } };
export type SlackPost = { path: string; body: Record<string, unknown> & { text?: string; blocks?: Record<string, unknown>[] } };

export type ClickOptions = {
  message: SlackPost['body'];
  actionId: string;
  slackUserId: string;
  secret: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Replaces the computed signature (a forged request). */
  signature?: string;
};

/** Slack's signature, written here from Slack's documentation rather than imported from the code under test. */
export function signLikeSlack(secret: string, timestamp: string, body: string) {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export type SignedRequest = { body: string; headers: Record<string, string>; responsePath: string };

export async function startFakeSlack() {
  const received: SlackPost[] = [];
  let responses = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        received.push({ path: req.url ?? '', body: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      } catch {
        res.writeHead(400).end('invalid_payload');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Waits (bounded) until a post to `path` has arrived; returns the newest. */
  async function waitFor(path: string, timeoutMs = 10_000, count = 1): Promise<SlackPost> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hits = received.filter((r) => r.path === path);
      if (hits.length >= count) return hits[hits.length - 1];
      if (Date.now() > deadline) throw new Error(`fake Slack: nothing posted to ${path} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  function buttons(message: SlackPost['body']): SlackButton[] {
    const actions = (message.blocks ?? []).find((b) => b.type === 'actions') as { elements?: SlackButton[] } | undefined;
    return actions?.elements ?? [];
  }

  /** The request Slack would send for a click on `actionId` in `message`. */
  function signClick(o: ClickOptions): SignedRequest {
    const button = buttons(o.message).find((b) => b.action_id === o.actionId);
    if (!button) throw new Error(`fake Slack: no button ${o.actionId} in the message`);
    const responsePath = `/response/${++responses}`;
    const payload = {
      type: 'block_actions',
      user: { id: o.slackUserId, username: 'someone', name: 'someone', team_id: 'T0FAKE' },
      api_app_id: 'A0FAKE',
      token: 'deprecated-verification-token',
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0FAKE', is_ephemeral: false },
      trigger_id: '123.456.abc',
      team: { id: 'T0FAKE', domain: 'fake' },
      channel: { id: 'C0FAKE', name: 'ops' },
      message: { type: 'message', ts: '1700000000.000100', text: o.message.text, blocks: o.message.blocks },
      response_url: `${base}${responsePath}`,
      actions: [
        {
          type: 'button',
          action_id: button.action_id,
          block_id: 'b',
          text: { type: 'plain_text', text: button.text.text },
          value: button.value,
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
    return {
      body,
      responsePath,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': o.signature ?? signLikeSlack(o.secret, timestamp, body),
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      },
    };
  }

  return {
    base,
    received,
    waitFor,
    buttons,
    signClick,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;
