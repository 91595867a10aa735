/**
 * Reads the V8 CPU profiles `node --cpu-prof` wrote (npm run bench:pages --profile DIR) and summarises the server's:
 * the top frames by self time, by inclusive time (a frame counted once per sample however often it recurs on the
 * stack), and self time grouped by where the code comes from (package or app chunk).
 * `npx tsx scripts/bench-cpuprofile.ts FILE.cpuprofile` prints the same for one file.
 */
import fs from 'node:fs';
import path from 'node:path';

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const TOP = 20;

function frameKey(f: CallFrame) {
  const file = f.url.replace(/^file:\/\//, '').replace(/^.*?(node_modules\/|\.next\/)/, '$1');
  return `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
}

/** Where a frame's code lives: a package, an app chunk of the build, Node internals, or V8's own buckets. */
function origin(f: CallFrame) {
  const u = f.url;
  if (!u) return f.functionName.startsWith('(') ? f.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)(?:\/dist\/compiled\/([^/]+))?/.exec(u);
  if (pkg) return pkg[2] ? `${pkg[1]} (compiled ${pkg[2]})` : pkg[1];
  if (u.includes('/.next/server/')) return '.next/server (app + bundled packages)';
  if (u.startsWith('node:')) return 'node internals';
  return u;
}

export function summarise(file: string) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const origins = new Map<string, number>();
  let total = 0;
  let idle = 0;
  // timeDeltas[i] is the time before sample i; the sample accounts for the time to the next one.
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = (prof.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(prof.samples[i])!;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    total += dt;
    const k = frameKey(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    const o = origin(node.callFrame);
    origins.set(o, (origins.get(o) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const key = frameKey(byId.get(id)!.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  }
  const top = (m: Map<string, number>, n = TOP) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { file, total, idle, self: top(self), inclusive: top(inclusive, TOP + 15), origins: top(origins, 12) };
}

function table(title: string, rows: [string, number][], total: number) {
  return [`| ${title} | ms | % of busy |`, '|---|---:|---:|', ...rows.map(([k, ms]) => `| \`${k.replace(/\|/g, '\\|')}\` | ${ms.toFixed(0)} | ${((100 * ms) / total).toFixed(1)} |`)].join('\n');
}

export function profileMarkdown(file: string) {
  const s = summarise(file);
  return [
    `Profile \`${path.basename(file)}\`: ${(s.total / 1000).toFixed(1)} s busy, ${(s.idle / 1000).toFixed(1)} s idle (whole server life, start-up included).`,
    '',
    table('self time by origin', s.origins, s.total),
    '',
    table(`top ${TOP} frames by self time`, s.self, s.total),
    '',
    table('top frames by inclusive time (on the stack)', s.inclusive.filter(([k]) => !/^\((root|program|garbage collector)\)/.test(k)), s.total),
  ].join('\n');
}

/** The section for the server's profile: the largest .cpuprofile in `dir` (the `next start` CLI writes a small one). */
export function profileSection(dir: string) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
  if (!files.length) return `## CPU profile\n\nNo .cpuprofile in ${dir} (the server did not exit cleanly?).`;
  const newest = files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
  return `## CPU profile of the server under the 10-reader run (generated)\n\n${profileMarkdown(newest)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  console.log(profileMarkdown(process.argv[2]));
}
