'use client';
import { clsx } from 'clsx';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const items = [
  { href: '/overview', label: 'Overview' },
  { href: '/interventions', label: 'Interventions' },
  { href: '/sessions', label: 'Sessions' },
  { href: '/recoveries', label: 'Recoveries' },
  { href: '/tools', label: 'Tools' },
  { href: '/database', label: 'Database' },
  { href: '/checklists', label: 'Checklists' },
  { href: '/settings', label: 'Settings' },
];

export function Nav({ badges = {} }: { badges?: Record<string, number> }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5">
      {items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        const badge = badges[item.href];
        return (
          // No prefetch: every console page is dynamic, so a prefetch only brings the route tree, and it cost
          // the server ~15 ms of CPU per link on every page view (docs/benchmarks-pages.md).
          <Link
            key={item.href}
            href={item.href}
            prefetch={false}
            aria-current={active ? 'page' : undefined}
            className={clsx(
              'flex items-center justify-between rounded-md px-3 py-2 text-sm font-medium',
              active ? 'bg-slate-800 text-white' : 'text-slate-300 hover:bg-slate-800/60 hover:text-white',
            )}
          >
            {item.label}
            {badge ? (
              <span
                aria-label={`${badge} active`}
                className="rounded-full bg-amber-400 px-1.5 py-0.5 text-xs font-semibold text-slate-900 tabular-nums"
              >
                {badge}
              </span>
            ) : null}
          </Link>
        );
      })}
    </nav>
  );
}
