import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { summarise } from './bench-cpuprofile';
import { writeDocSection } from './bench-doc-sections';
import { cpuBound, verdict, type LoadResult } from './bench-pages-load';
import { mainThreadCpuMs, treeCpuMs } from './lib/proc';
import { flightBytes } from './bench-pages-sizes';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pages-'));

describe('bench:pages tools', () => {
  it('counts the bytes of the inlined Flight payload, not the rest of the HTML', () => {
    const push = (x: string) => `<script nonce="n">self.__next_f.push(${x})</script>`;
    const html = `<html><body><table>${'<tr><td>x</td></tr>'.repeat(10)}</table>${push('[0]')}${push('[1,"0:[\\"$\\",\\"div\\"]\\n"]')}<script>other()</script></body></html>`;
    expect(flightBytes(html)).toBe('[0]'.length + '[1,"0:[\\"$\\",\\"div\\"]\\n"]'.length);
    expect(flightBytes('<html></html>')).toBe(0);
  });

  it('replaces only its generated section, keeps the hand-written notes, and keeps the replaced run below them', () => {
    const file = path.join(tmp(), 'doc.md');
    writeDocSection(file, 'load', '## At 10 readers\n\nfirst run');
    fs.appendFileSync(file, '\nnotes by hand\n');
    writeDocSection(file, 'profile', 'profile one');
    writeDocSection(file, 'load', '## At 10 readers\n\nsecond run');
    writeDocSection(file, 'load', '## At 10 readers\n\nthird run');
    const text = fs.readFileSync(file, 'utf8');
    const generated = text.slice(text.indexOf('<!-- generated:load -->'), text.indexOf('<!-- /generated:load -->'));
    expect(generated).toContain('third run');
    expect(generated).not.toContain('second run');
    expect(text).toContain('notes by hand');
    expect(text.indexOf('third run')).toBeLessThan(text.indexOf('notes by hand'));
    expect(text).toContain('profile one');
    // The earlier runs, newest first, after the notes, their headings one level down.
    const earlier = text.slice(text.indexOf('<!-- earlier:load -->'), text.indexOf('<!-- /earlier:load -->'));
    expect(text.indexOf('notes by hand')).toBeLessThan(text.indexOf('<!-- earlier:load -->'));
    expect(earlier.indexOf('second run')).toBeGreaterThan(0);
    expect(earlier.indexOf('second run')).toBeLessThan(earlier.indexOf('first run'));
    expect(earlier).toContain('### At 10 readers');
    expect(earlier).not.toMatch(/^## At 10/m);
    // The same content again (nothing new measured) is not archived twice.
    writeDocSection(file, 'load', '## At 10 readers\n\nthird run');
    expect(fs.readFileSync(file, 'utf8').split('third run').length).toBe(2);
  });

  it('counts the CPU of a process and of the children under it', async () => {
    // A parent whose child burns 400 ms of CPU (its own clock, whatever the machine's load), says so and waits.
    const child = "const u = () => process.cpuUsage().user / 1000; while (u() < 400); console.log('burnt ' + process.pid); setTimeout(() => {}, 20000);";
    let childPid: number | undefined;
    const parent = spawn(process.execPath, ['-e', `require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(child)}], { stdio: 'inherit' })`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      childPid = await new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('the child did not burn 400 ms of CPU within 15 s')), 15_000);
        parent.stdout!.on('data', (d: Buffer) => {
          const m = /burnt (\d+)/.exec(d.toString());
          if (!m) return;
          clearTimeout(t);
          resolve(Number(m[1]));
        });
      });
      expect(treeCpuMs(parent.pid!)).toBeGreaterThanOrEqual(390);
      // The child's JavaScript ran on its main thread: the busiest JS thread of the tree is the child's.
      const main = mainThreadCpuMs(parent.pid!);
      expect(main).toBeGreaterThanOrEqual(390);
      expect(main).toBeLessThanOrEqual(treeCpuMs(parent.pid!));
    } finally {
      if (childPid) process.kill(childPid, 'SIGKILL');
      parent.kill('SIGKILL');
    }
  }, 20_000);

  it('prints a miss with its figures and the load average, and met when both bars hold', () => {
    const floor: LoadResult = { name: 'floor', path: '/bench-floor', views: 100, errors: [], p50: 50, p95: 90, cpuMs: 10, mainMs: 8, pgCpuMs: 2, clientCpuMs: 3, load: '1 / 1 / 1' };
    expect(verdict({ ...floor, name: 'a', p95: 149, cpuMs: 20 }, floor)).toBe('met');
    const miss = verdict({ ...floor, name: 'b', p95: 151, cpuMs: 20.5, load: '7.1 / 6 / 5' }, floor);
    expect(miss).toMatch(/^MISS: p95 151 ms > 150; CPU 2\.05× the floor > 2× \(load average 7\.1 \/ 6 \/ 5\)$/);
    // Against the floor windows either side of the page when they are known: the machine slowed down, both did.
    expect(verdict({ ...floor, name: 'c', p95: 149, cpuMs: 30, floorCpuMs: 16 }, floor)).toBe('met');
    expect(verdict({ ...floor, name: 'd', p95: 149, cpuMs: 30, floorCpuMs: 14 }, floor)).toMatch(/CPU 2\.14× the floor > 2×/);
    // A mean the CPU cannot go under is named beside a p95 miss.
    expect(verdict({ ...floor, name: 'e', p95: 300 }, floor, 210)).toMatch(/p95 300 ms > 150 \(the CPU bound on the mean is 210 ms here\)/);
  });

  it("bounds the mean response time by the JS thread's time per view and by the machine's CPU per view (Little's law)", () => {
    // 10 readers: the JS thread busy 12 ms a view allows at most 83 views/s, so a view waits 120 ms on average.
    expect(cpuBound({ mainMs: 12, cpuMs: 15, pgCpuMs: 2, clientCpuMs: 1 }, 10, 2)).toBeCloseTo(120, 6);
    // Two instances' worth of threads, but 40 ms of CPU a view on 2 cores: at most 50 views/s, 200 ms.
    expect(cpuBound({ mainMs: 10, cpuMs: 30, pgCpuMs: 8, clientCpuMs: 2 }, 10, 2)).toBeCloseTo(200, 6);
  });

  it('sums self time per frame from a V8 CPU profile', () => {
    const file = path.join(tmp(), 'p.cpuprofile');
    const frame = (id: number, functionName: string, children: number[] = []) => ({ id, callFrame: { functionName, url: id > 1 ? 'file:///x/.next/server/chunks/a.js' : '', lineNumber: 0, columnNumber: 0 }, children });
    fs.writeFileSync(file, JSON.stringify({ nodes: [frame(1, '(root)', [2]), frame(2, 'render', [3]), frame(3, 'row')], samples: [3, 3, 2, 3], timeDeltas: [0, 1000, 1000, 1000, 1000], startTime: 0, endTime: 4000 }));
    const s = summarise(file);
    expect(s.self[0]).toEqual(['row .next/server/chunks/a.js:1', 3]);
    expect(s.inclusive.find(([k]) => k.startsWith('render'))?.[1]).toBe(4);
  });
});
