import { env } from '@/lib/env';
import type { Metadata } from 'next';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db/client';
import { user } from '@/lib/db/schema';
import { eq } from 'drizzle-orm';
import { decodeDeliveryCursor, listNotificationPreferences, listWebhookDeliveries } from '@/lib/interventions/notifications';
import { DeliveryTable } from '../_components/delivery-table';
import { SlackIdForm } from '../_components/slack-id-form';
import { linkOwnSlackAction } from './actions';
import { NewRuleForm, PreferenceExtras, PreferenceForm, type PreferenceView } from './preference-form';

export const metadata: Metadata = { title: 'Notifications' };

export default async function NotificationSettingsPage({ searchParams }: { searchParams: Promise<{ before?: string }> }) {
  const me = await requirePageUser('notifications:manage-own');
  const canWebhook = can(me.role, 'notifications:webhook');
  const { before } = await searchParams;
  const cursor = decodeDeliveryCursor(before);
  const db = await getDb();
  const [prefs, { rows: deliveries, nextCursor }, [self]] = await Promise.all([
    listNotificationPreferences(db, { userId: me.id }),
    listWebhookDeliveries(db, { userId: me.id, limit: 50, cursor }),
    db.select({ slackUserId: user.slackUserId }).from(user).where(eq(user.id, me.id)),
  ]);
  const slackUserId = self?.slackUserId ?? null;
  return (
    <>
      <PageHeader
        title="Notifications"
        description="Which pauses you hear about, and where: the in-app bell or a webhook (Slack-compatible)."
        actions={
          <Link href="/settings" className="text-sm font-medium text-indigo-700 hover:underline">
            ← Settings
          </Link>
        }
      />
      <Card title="Your rules">
        <div className="space-y-4">
          {prefs.length === 0 && <p className="text-sm text-slate-500">No rules yet: you are not notified of pauses.</p>}
          {prefs.map((p) => (
            <div key={p.id}>
              <PreferenceForm preference={{ ...p, channel: p.channel as PreferenceView['channel'] }} canWebhook={canWebhook} />
              <PreferenceExtras preference={{ ...p, channel: p.channel as PreferenceView['channel'] }} />
            </div>
          ))}
          <NewRuleForm canWebhook={canWebhook} />
        </div>
      </Card>
      <Card title="Slack" className="mt-6">
        <p className="mb-2 text-sm text-slate-600">
          Your Slack member ID (in Slack: your profile → ⋮ → Copy member ID). Once linked, Resume / Abort / Restore
          buttons you click in Slack act as you, with your role; unlinked clicks do nothing.
        </p>
        {env().SLACK_SELF_LINK ? (
          <SlackIdForm action={linkOwnSlackAction} slackUserId={slackUserId} label="Your Slack member ID" />
        ) : (
          <p className="text-sm text-slate-600">
            {slackUserId ? `Linked to ${slackUserId}. ` : 'Not linked. '}Only an admin links Slack member IDs on this installation.
          </p>
        )}
      </Card>
      <Card title="Webhook delivery log" className="mt-6">
        {deliveries.length === 0 ? (
          <EmptyState title="No webhook deliveries yet">Each webhook call is listed here with its status code, attempts and error.</EmptyState>
        ) : (
          <DeliveryTable rows={deliveries} />
        )}
        {(cursor || nextCursor) && (
          <div className="mt-3 flex gap-4 text-sm">
            {cursor && (
              <Link href="/settings/notifications" className="font-medium text-indigo-700 hover:underline">
                ← Newest
              </Link>
            )}
            {nextCursor && (
              <Link href={`/settings/notifications?before=${nextCursor}`} className="font-medium text-indigo-700 hover:underline">
                Older deliveries →
              </Link>
            )}
          </div>
        )}
      </Card>
    </>
  );
}
