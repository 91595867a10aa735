import { EventEmitter } from 'node:events';

/**
 * In-process wake-up signals after a commit ("session X changed"). Long-polls and live pages wait on these to
 * answer at once; they also poll the database on a short interval, so several app instances stay correct
 * without this bus (it only makes the common single-instance case instant).
 */
type Signals = { session: [sessionId: string]; interventions: []; checklist: [checklistId: string] };

const globalForBus = globalThis as unknown as { __flightdeckBus?: EventEmitter };
const bus = (globalForBus.__flightdeckBus ??= new EventEmitter().setMaxListeners(10_000));

export function signalSession(sessionId: string) {
  bus.emit('session', sessionId);
  bus.emit('interventions');
}

/** Resolves when `sessionId` is signalled or after `ms`, whichever comes first. */
export function waitForSessionSignal(sessionId: string, ms: number, abort?: AbortSignal): Promise<void> {
  return waitForSignal('session', sessionId, ms, abort);
}

/** A checklist changed (tick, sign-off, void, deploy): wakes release-gate long-polls. */
export function signalChecklist(checklistId: string) {
  bus.emit('checklist', checklistId);
}

export function waitForChecklistSignal(checklistId: string, ms: number, abort?: AbortSignal): Promise<void> {
  return waitForSignal('checklist', checklistId, ms, abort);
}

function waitForSignal(name: 'session' | 'checklist', id: string, ms: number, abort?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      bus.off(name, onSignal);
      abort?.removeEventListener('abort', done);
      resolve();
    };
    const onSignal = (signalled: string) => {
      if (signalled === id) done();
    };
    const timer = setTimeout(done, ms);
    bus.on(name, onSignal);
    abort?.addEventListener('abort', done);
  });
}

export function onSignal<K extends keyof Signals>(name: K, fn: (...args: Signals[K]) => void) {
  bus.on(name, fn as (...args: unknown[]) => void);
  return () => bus.off(name, fn as (...args: unknown[]) => void);
}
