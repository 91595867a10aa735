'use client';
import { clsx } from 'clsx';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { can, type Permission } from '@/lib/auth/permissions';

/** Each link carries the permission its page asks for, so a role only sees the pages it can open. */
const items: { href: string; label: string; permission: Permission }[] = [
  { href: '/overview', label: 'Overview', permission: 'console:read' },
  { href: '/interventions', label: 'Interventions', permission: 'console:read' },
  { href: '/sessions', label: 'Sessions', permission: 'console:read' },
  { href: '/recoveries', label: 'Recoveries', permission: 'console:read' },
  { href: '/tools', label: 'Tools', permission: 'console:read' },
  { href: '/database', label: 'Database', permission: 'database:read' },
  { href: '/checklists', label: 'Checklists', permission: 'console:read' },
  { href: '/settings', label: 'Settings', permission: 'console:read' },
];

export function Nav({ role, badges = {} }: { role: string; badges?: Record<string, number> }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5">
      {items.filter((item) => can(role, item.permission)).map((item) => {
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
              <span className="rounded-full bg-amber-400 px-1.5 py-0.5 text-xs font-semibold text-slate-900 tabular-nums">
                {badge}
                <span className="sr-only"> active</span>
              </span>
            ) : null}
          </Link>
        );
      })}
    </nav>
  );
}
