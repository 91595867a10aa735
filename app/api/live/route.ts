import { guardedRoute } from '@/lib/auth/guards';
import { getDbHandle } from '@/lib/db/client';
import { subscribeLive } from '@/lib/events/live';

export const dynamic = 'force-dynamic';

const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events for open console pages: one `data:` line per change (topic + session id, nothing secret),
 * a comment every 15 s so proxies keep the connection, and a clean stop when the browser goes away.
 */
export const GET = guardedRoute({ permission: 'console:read' }, async ({ request }) => {
  const handle = await getDbHandle();
  const encoder = new TextEncoder();
  let stop = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      const send = (chunk: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          stop();
        }
      };
      send('retry: 3000\n: connected\n\n');
      const off = await subscribeLive(handle, (e) => send(`data: ${JSON.stringify({ topic: e.topic, sessionId: e.sessionId })}\n\n`));
      const heartbeat = setInterval(() => send(': heartbeat\n\n'), HEARTBEAT_MS);
      stop = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        off();
        try {
          controller.close();
        } catch {
          /* already closed by the runtime */
        }
      };
      if (request.signal.aborted) stop();
      else request.signal.addEventListener('abort', stop, { once: true });
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
});
