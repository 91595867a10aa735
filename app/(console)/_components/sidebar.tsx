'use client';
import { clsx } from 'clsx';
import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';

/**
 * The console's dark sidebar. From the md breakpoint up it is a column as tall as the page (the background
 * stretches with the content, the inside stays in view); on a phone it is a top bar whose menu button shows
 * the navigation, so the page never scrolls sideways. Closes itself after a navigation.
 */
export function Sidebar({ brand, children }: { brand: React.ReactNode; children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const [lastPath, setLastPath] = useState(pathname);
  if (pathname !== lastPath) {
    setLastPath(pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <aside data-testid="sidebar" className="shrink-0 bg-slate-900 md:w-56">
      <div className="flex flex-col px-3 py-3 md:sticky md:top-0 md:h-screen md:overflow-y-auto md:py-4">
        <div className="flex items-center justify-between md:mb-6">
          {brand}
          <button
            type="button"
            aria-expanded={open}
            aria-controls="console-menu"
            onClick={() => setOpen((o) => !o)}
            className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-200 ring-1 ring-slate-700 hover:bg-slate-800 md:hidden"
          >
            Menu
          </button>
        </div>
        <div id="console-menu" className={clsx('flex-1 flex-col pt-3 md:flex md:pt-0', open ? 'flex' : 'hidden')}>
          {children}
        </div>
      </div>
    </aside>
  );
}
