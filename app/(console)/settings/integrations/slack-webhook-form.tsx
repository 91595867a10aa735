'use client';
import { OneFieldForm } from '@/components/ui/one-field-form';
import { saveSlackWebhookAction } from './actions';

/** The fleet channel's URL; read-only when SLACK_WEBHOOK_URL decides it. */
export function SlackWebhookForm({ current, fromEnv }: { current: string | null; fromEnv: boolean }) {
  return (
    <OneFieldForm
      action={saveSlackWebhookAction}
      name="url"
      initial={current}
      label={`Fleet channel incoming webhook URL${fromEnv ? ' (set by SLACK_WEBHOOK_URL on the server; change it there)' : ''}`}
      disabled={fromEnv}
      input={{ type: 'url', placeholder: 'https://hooks.slack.com/services/…' }}
    />
  );
}
