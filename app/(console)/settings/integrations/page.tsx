import type { Metadata } from 'next';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { fleetSlackWebhook, listFleetDeliveries } from '@/lib/interventions/slack/outbox';
import { DeliveryTable } from '../_components/delivery-table';
import { SettingsTabs } from '../_components/settings-tabs';
import { SlackWebhookForm } from './slack-webhook-form';

export const metadata: Metadata = { title: 'Integrations · Settings' };

/** A webhook URL is a credential: show where it points, not the path that authorises posting. */
const masked = (url: string) => (URL.canParse(url) ? `${new URL(url).origin}/…` : '…');

export default async function IntegrationsPage() {
  const me = await requirePageUser('integrations:manage');
  const db = await getDb();
  const [fleet, deliveries] = await Promise.all([fleetSlackWebhook(db), listFleetDeliveries(db)]);
  const e = env();
  const interactivity = `${(e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '')}/api/integrations/slack/interactions`;
  return (
    <>
      <PageHeader title="Integrations" description="Slack: pause messages with Resume / Abort / Restore buttons for the ops channel." />
      <SettingsTabs user={me} active="/settings/integrations" />
      <Card title="Slack">
        <dl className="mb-4 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="text-slate-500">Interactivity request URL</dt>
          <dd className="break-all font-mono text-xs">{interactivity}</dd>
          <dt className="text-slate-500">Signing secret</dt>
          <dd>{e.SLACK_SIGNING_SECRET ? 'set (SLACK_SIGNING_SECRET)' : 'not set — every button click is refused (401)'}</dd>
          <dt className="text-slate-500">Fleet channel</dt>
          <dd className="font-mono text-xs">{fleet.url ? `${masked(fleet.url)} (${fleet.source})` : 'none'}</dd>
        </dl>
        <SlackWebhookForm current={fleet.source === 'settings' ? fleet.url : null} fromEnv={fleet.source === 'env'} />
      </Card>
      <Card title="Fleet channel delivery log" className="mt-6">
        {deliveries.length === 0 ? (
          <EmptyState title="No deliveries to the fleet channel yet">
            {fleet.url
              ? 'Each new pause is posted to the fleet channel; none has been since it was set.'
              : 'Set the fleet channel’s incoming webhook above (or SLACK_WEBHOOK_URL on the server): each new pause is then posted there, with Resume / Abort / Restore buttons.'}
          </EmptyState>
        ) : (
          <DeliveryTable rows={deliveries} />
        )}
      </Card>
    </>
  );
}
