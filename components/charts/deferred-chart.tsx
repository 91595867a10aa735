'use client';

import { useEffect, useRef, useState, type ComponentType } from 'react';

/**
 * Mounts a page's charts one at a time, those on screen first.
 *
 * A Recharts chart costs 100–150 ms of main thread to mount (measured text, selectors, layout). When a page's chart
 * chunk arrived, every chart on the page mounted in one task: Overview blocked the main thread for ~650 ms, Database
 * for ~500 ms, and a click or a reload in that window waited for it. Queued, each chart mounts in its own task and
 * the browser paints and handles input in between.
 */
type Job = { el: HTMLElement; start: () => Promise<void> };

const queue: Job[] = [];
let draining = false;

/** Resolves after the next frame has been painted, or after 100 ms in a tab that does not paint (hidden). */
function afterPaint() {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(fallback);
      setTimeout(resolve, 0);
    };
    const fallback = setTimeout(resolve, 100);
    requestAnimationFrame(done);
  });
}

function onScreen(el: HTMLElement) {
  const r = el.getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight;
}

async function drain() {
  if (draining) return;
  draining = true;
  try {
    while (queue.length) {
      const visible = queue.findIndex((j) => onScreen(j.el));
      const [job] = queue.splice(visible >= 0 ? visible : 0, 1);
      await job.start().catch(() => undefined);
      // React renders the chart in its own task after the state change; let it commit and paint before the next.
      await afterPaint();
      await afterPaint();
    }
  } finally {
    draining = false;
  }
}

/**
 * A chart loaded in its own chunk (the `import()` in `load`) and mounted in turn, client only: the server and the
 * first client render show a skeleton of the chart's `height`. The component is rendered straight from the loaded module, not through
 * React.lazy: a lazy component suspends on its first render even when its chunk is already there, and React
 * throttles the reveal of suspended content (300 ms), so two charts queued a few frames apart still committed in
 * one task.
 */
export function deferredChart<P extends object>(load: () => Promise<ComponentType<P>>, height: number): ComponentType<P> {
  function DeferredChart(props: P) {
    const ref = useRef<HTMLDivElement>(null);
    const [Chart, setChart] = useState<ComponentType<P> | null>(null);
    useEffect(() => {
      const el = ref.current;
      if (!el) return;
      let mounted = true;
      const job: Job = {
        el,
        start: async () => {
          const loaded = await load();
          if (mounted) setChart(() => loaded);
        },
      };
      queue.push(job);
      void drain();
      return () => {
        mounted = false;
        const i = queue.indexOf(job);
        if (i >= 0) queue.splice(i, 1);
      };
    }, []);
    if (Chart) return <Chart {...props} />;
    return (
      <div ref={ref}>
        <div className="animate-pulse rounded-md bg-slate-100" style={{ height }} aria-hidden />
      </div>
    );
  }
  return DeferredChart;
}
