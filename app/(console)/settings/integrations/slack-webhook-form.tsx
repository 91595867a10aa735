'use client';
import { useActionState } from 'react';
import { InlineResult } from '@/components/ui/inline-result';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import { saveSlackWebhookAction } from './actions';

/** The fleet channel's URL; read-only when SLACK_WEBHOOK_URL decides it. */
export function SlackWebhookForm({ current, fromEnv }: { current: string | null; fromEnv: boolean }) {
  const [state, action, pending] = useActionState<ActionResult, FormData>(saveSlackWebhookAction, {});
  return (
    <form action={action} className="flex flex-wrap items-end gap-2">
      <label className="min-w-96 flex-1 text-xs font-medium text-slate-600">
        Fleet channel incoming webhook URL {fromEnv && '(set by SLACK_WEBHOOK_URL on the server)'}
        <input
          name="url"
          type="url"
          defaultValue={current ?? ''}
          disabled={fromEnv}
          placeholder="https://hooks.slack.com/services/…"
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-xs"
        />
      </label>
      <Button type="submit" size="sm" disabled={pending || fromEnv}>
        {pending ? 'Saving…' : 'Save'}
      </Button>
      <InlineResult state={state} field="url" />
    </form>
  );
}
