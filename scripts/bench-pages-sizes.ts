/**
 * What each console page sends (issue 18 item 2): one signed-in GET per route against a running server, the HTML's
 * size uncompressed and gzip-compressed, the part of it that is the inlined Flight payload (the
 * `self.__next_f.push` scripts), and the number of elements. CPU per view follows these sizes
 * (docs/benchmarks-pages.md), so this is the quick check between profile runs.
 *
 *   npx tsx scripts/bench-pages-sizes.ts --base http://localhost:4420 --cookie 'better-auth.session_token=…' PATH…
 */
import { gzipSync } from 'node:zlib';
import { argValue } from './cli';

export type PageSize = { path: string; status: number; html: number; gzip: number; rsc: number; elements: number };

/** Bytes of the inlined Flight payload: the string arguments of every `self.__next_f.push([…])` script. */
export function flightBytes(html: string): number {
  let n = 0;
  for (const m of html.matchAll(/<script[^>]*>self\.__next_f\.push\((.*?)\)<\/script>/gs)) n += Buffer.byteLength(m[1]);
  return n;
}

export async function pageSize(base: string, path: string, cookie: string): Promise<PageSize> {
  const res = await fetch(`${base}${path}`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  const html = await res.text();
  return {
    path,
    status: res.status,
    html: Buffer.byteLength(html),
    gzip: gzipSync(html).length,
    rsc: flightBytes(html),
    elements: (html.match(/<[a-z][a-z0-9-]*[\s>]/g) ?? []).length,
  };
}

if (process.argv[1]?.endsWith('bench-pages-sizes.ts')) {
  const base = argValue('base', 'http://localhost:4420')!;
  const cookie = argValue('cookie', '')!;
  const paths = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  (async () => {
    for (const p of paths) {
      const s = await pageSize(base, p, cookie);
      const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
      console.log(`${p}: HTTP ${s.status}, HTML ${kb(s.html)} (gzip ${kb(s.gzip)}), Flight ${kb(s.rsc)}, ${s.elements} elements`);
    }
  })();
}
