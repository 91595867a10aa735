'use client';
import { useActionState } from 'react';
import { InlineResult } from '@/components/ui/inline-result';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';

type Action = (prev: ActionResult, fd: FormData) => Promise<ActionResult>;

/** Links a Slack member ID (empty unlinks): the person themselves, or an admin for someone (`userId`). */
export function SlackIdForm({ action, slackUserId, userId, label }: { action: Action; slackUserId: string | null; userId?: string; label: string }) {
  const [state, formAction, pending] = useActionState<ActionResult, FormData>(action, {});
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-1">
      {userId && <input type="hidden" name="userId" value={userId} />}
      <input
        name="slackUserId"
        defaultValue={slackUserId ?? ''}
        aria-label={label}
        placeholder="U024BE7LH"
        className="w-32 rounded-md border border-slate-300 px-2 py-1 font-mono text-xs"
      />
      <Button type="submit" size="sm" variant="secondary" disabled={pending}>
        {pending ? 'Saving…' : 'Save'}
      </Button>
      <InlineResult state={state} field="slackUserId" />
    </form>
  );
}
