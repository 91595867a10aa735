import { clsx } from 'clsx';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import type { ActorOf } from '@/lib/auth/actor';
import { can, type Permission } from '@/lib/auth/permissions';

const tabs: { href: string; label: string; permission: Permission }[] = [
  { href: '/settings', label: 'Overview', permission: 'console:read' },
  { href: '/settings/notifications', label: 'Notifications', permission: 'notifications:manage-own' },
  { href: '/settings/users', label: 'Users', permission: 'users:manage' },
  { href: '/settings/projects', label: 'Projects', permission: 'projects:manage' },
  { href: '/settings/tokens', label: 'API tokens', permission: 'tokens:manage' },
  { href: '/settings/integrations', label: 'Integrations', permission: 'integrations:manage' },
  { href: '/settings/escalation', label: 'Escalation', permission: 'escalation:manage' },
  { href: '/settings/audit', label: 'Audit log', permission: 'audit:read' },
  { href: '/settings/restores', label: 'Restores', permission: 'projects:policy' },
];

/** Settings sub-navigation; only the tabs the role may open are shown (the pages check for themselves). */
export function SettingsTabs({ user, active }: { user: ActorOf<'user'>; active: string }) {
  const visible = tabs.filter((t) => can(user.role, t.permission));
  if (visible.length < 2) return null;
  return (
    <nav aria-label="Settings" className="mb-6 flex gap-1 overflow-x-auto border-b border-slate-200">
      {visible.map((t) => (
        <Link
          key={t.href}
          href={t.href}
          prefetch={false}
          aria-current={t.href === active ? 'page' : undefined}
          className={clsx(
            '-mb-px shrink-0 whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium',
            t.href === active ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-500 hover:text-slate-800',
          )}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}

/**
 * A settings page that creates and lists one kind of thing (users, API tokens): header, tabs, the create form's
 * card, then the list's card.
 */
export function CreateAndListPage(props: {
  user: ActorOf<'user'>;
  active: string;
  title: string;
  description: string;
  createTitle: string;
  createForm: React.ReactNode;
  listTitle: string;
  children: React.ReactNode;
}) {
  return (
    <>
      <PageHeader title={props.title} description={props.description} />
      <SettingsTabs user={props.user} active={props.active} />
      <Card title={props.createTitle}>{props.createForm}</Card>
      <Card title={props.listTitle} className="mt-6">
        {props.children}
      </Card>
    </>
  );
}
