import { workAsyncStorage } from 'next/dist/server/app-render/work-async-storage.external';

/** Where a query came from, for the Database page: the caller's source frame, or the route in built code. */
const INTERNAL_FRAME = /node_modules|node:internal|[\\/]lib[\\/](db[\\/](client|retry)|observability[\\/](monitor|instrument|caller))\.ts|^\s*at (new )?Promise|<anonymous>/;

/** The first stack frame outside the driver, Drizzle and this data layer: where the query came from. */
export function callerOf(stack: string | undefined): string | null {
  if (!stack) return null;
  const frames = stack.split('\n').slice(1);
  const frame = frames.find((f) => !INTERNAL_FRAME.test(f)) ?? frames.find((f) => !/node:internal/.test(f));
  return frame ? frame.trim().replace(/^at /, '').replace(process.cwd() + '/', '') : null;
}

/** A frame in Next's built output names a minified chunk (`a (.next/server/chunks/ssr/x_1f2e._.js:1:2345)`). */
const BUILT_FRAME = /[\\/]?\.next[\\/]|\[root-of-the-server\]|\._\.js/;

type Sighting = Error & { route?: string };

/**
 * Remembers which page or route handler was running when `err` was made (Next's request store, read in the
 * same async context as the query). Built code has no source file names to show, the route does.
 */
export function noteRoute(err: Error | undefined): Error | undefined {
  if (!err) return err;
  const route = workAsyncStorage.getStore()?.route;
  if (route) (err as Sighting).route = route;
  return err;
}

/** "Where did this come from" for the Database page: the source frame, or the route when the frame is minified. */
export function sightingOf(err: Error | null | undefined): string | null {
  if (!err) return null;
  const route = (err as Sighting).route;
  const frame = callerOf(err.stack);
  if (frame && !BUILT_FRAME.test(frame)) return route ? `${frame} · ${route}` : frame;
  if (route) return route.startsWith('/api/') ? `route handler ${route}` : `page ${route}`;
  return frame ? 'a background job (built code: no source names)' : null;
}
