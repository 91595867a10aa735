'use client';
import { OneFieldForm } from '@/components/ui/one-field-form';
import type { ActionResult } from '@/lib/auth/guards';

type Action = (prev: ActionResult, fd: FormData) => Promise<ActionResult>;

/** Links a Slack member ID (empty unlinks): the person themselves, or an admin for someone (`userId`). */
export function SlackIdForm({ action, slackUserId, userId, label }: { action: Action; slackUserId: string | null; userId?: string; label: string }) {
  return (
    <OneFieldForm
      action={action}
      name="slackUserId"
      initial={slackUserId}
      label={label}
      labelHidden
      hidden={userId ? { userId } : undefined}
      input={{ placeholder: 'U024BE7LH', className: 'w-32' }}
      className="items-center gap-1"
    />
  );
}
