import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { env } from '@/lib/env';

/**
 * The server log: one pino logger, JSON lines in production, pretty lines in the demo (FLIGHTDECK_DEMO=1) and
 * in development, level from LOG_LEVEL.
 *
 * Every line written while a request is handled carries its `requestId` and, once authenticated, its `actor`.
 * They come from an AsyncLocalStorage context that the guards open (guardedRoute, guardedAction) and that
 * pino's mixin reads on each line, rather than from a child logger handed down: the commands and jobs that log
 * are called from actions, route handlers, Slack and jobs alike, and a logger parameter would have to be threaded
 * through every signature between them.
 *
 * pino-pretty is used as a stream in this thread, not as a transport: transports run in a worker thread that
 * loads its module by path at run time, which Next's bundled server does not reliably provide.
 */
export type LogContext = { requestId: string; actor?: string };

const context = new AsyncLocalStorage<LogContext>();

const globalForLog = globalThis as unknown as { __flightdeckLog?: Logger };

/** The settings the logger needs; defaults when the configuration is invalid (start-up then logs why and exits). */
function logSettings() {
  try {
    const e = env();
    return { level: e.LOG_LEVEL, human: e.FLIGHTDECK_DEMO || e.NODE_ENV === 'development' };
  } catch {
    return { level: 'info', human: false };
  }
}

function createLogger(destination?: DestinationStream): Logger {
  const { level, human } = logSettings();
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'flightdeck' },
    mixin: () => {
      const c = context.getStore();
      return c ? { requestId: c.requestId, ...(c.actor ? { actor: c.actor } : {}) } : {};
    },
  };
  const stream = destination ?? (human ? pretty({ colorize: true, sync: true, ignore: 'pid,hostname,app' }) : undefined);
  return stream ? pino(options, stream) : pino(options);
}

/** The process-wide logger (cached on globalThis so hot reloads do not stack streams). */
export function log(): Logger {
  globalForLog.__flightdeckLog ??= createLogger();
  return globalForLog.__flightdeckLog;
}

/** Replaces the logger's destination (tests read the lines it writes). Returns the new logger. */
export function setLogDestination(destination: DestinationStream | undefined): Logger {
  globalForLog.__flightdeckLog = createLogger(destination);
  return globalForLog.__flightdeckLog;
}

const requestIdPattern = /^[\w.:-]{1,100}$/;

/** Runs `fn` as one request: lines logged inside carry the request id (the caller's X-Request-Id when sane). */
export function withLogContext<T>(headers: { get(name: string): string | null } | null, fn: () => T): T {
  const given = headers?.get('x-request-id');
  const requestId = given && requestIdPattern.test(given) ? given : randomUUID();
  return context.run({ requestId }, fn);
}

/** Names the authenticated actor on every later line of the current request. */
export function setLogActor(actor: string) {
  const c = context.getStore();
  if (c) c.actor = actor;
}

/** The current request's context, if any. */
export function logContext(): LogContext | undefined {
  return context.getStore();
}
