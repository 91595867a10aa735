'use client';
import { startTransition, useActionState, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import { pauseTypes } from '@/lib/db/schema/enums';
import { deletePreferenceAction, rotateSecretAction, savePreferenceAction } from './actions';

type SecretResult = ActionResult<{ secret: string }>;
type Action = (prev: SecretResult, fd: FormData) => Promise<SecretResult>;

/** A rule as the page may send it to the browser: whether it has a signing secret, never the secret. */
export type PreferenceView = {
  id: string;
  channel: 'in_app' | 'webhook' | 'slack';
  targetUrl: string | null;
  hasSecret: boolean;
  pauseTypes: string[];
  projects: string[];
  enabled: boolean;
};

const inputCls = 'mt-1 w-full rounded-md border border-slate-300 px-2 py-1 text-sm';

/**
 * One rule: channel, filters, on/off. Without a preference it is the "add a rule" form. `canWebhook` only greys out
 * the option; the action checks the permission itself. Submitted through onSubmit rather than `action`: React
 * resets a form after its action, which would clear a refused URL the user is correcting and put the channel
 * select back out of step with the fields shown.
 */
export function PreferenceForm({
  preference,
  canWebhook,
  onSaved,
}: {
  preference?: PreferenceView;
  canWebhook: boolean;
  onSaved?: (result: SecretResult) => void;
}) {
  const [state, formAction, pending] = useActionState<SecretResult, FormData>(async (prev, fd) => {
    const result = await (savePreferenceAction as Action)(prev, fd);
    if (result.ok) onSaved?.(result);
    return result;
  }, {});
  const [channel, setChannel] = useState(preference?.channel ?? 'in_app');
  const label = preference ? `Rule ${preference.channel === 'in_app' ? 'in-app' : preference.targetUrl}` : 'New rule';
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    startTransition(() => formAction(fd));
  };
  return (
    <form onSubmit={submit} aria-label={label} className="space-y-2 rounded-lg border border-slate-200 p-3">
      {preference && <input type="hidden" name="id" value={preference.id} />}
      <div className="flex flex-wrap gap-4">
        <label className="text-xs font-medium text-slate-600">
          Channel
          <select name="channel" value={channel} onChange={(e) => setChannel(e.target.value as PreferenceView['channel'])} className={inputCls}>
            <option value="in_app">In-app (bell)</option>
            <option value="webhook" disabled={!canWebhook && preference?.channel !== 'webhook'}>
              {canWebhook ? 'Webhook' : 'Webhook (engineers and admins)'}
            </option>
            <option value="slack" disabled={!canWebhook && preference?.channel !== 'slack'}>
              {canWebhook ? 'Slack (incoming webhook, with buttons)' : 'Slack (engineers and admins)'}
            </option>
          </select>
        </label>
        {channel !== 'in_app' && (
          <label className="min-w-72 flex-1 text-xs font-medium text-slate-600">
            {channel === 'slack' ? 'Slack incoming webhook URL (https)' : 'Webhook URL'}
            <input name="targetUrl" type="url" defaultValue={preference?.targetUrl ?? ''} className={inputCls} placeholder="https://hooks.slack.com/services/…" />
            {state.fieldErrors?.targetUrl && <span className="text-red-700">{state.fieldErrors.targetUrl[0]}</span>}
          </label>
        )}
        <label className="min-w-48 flex-1 text-xs font-medium text-slate-600">
          Projects (comma-separated, empty = all)
          <input name="projects" defaultValue={preference?.projects.join(', ') ?? ''} className={inputCls} />
        </label>
      </div>
      <fieldset className="text-xs text-slate-600">
        <legend className="font-medium">Pause types (none ticked = all)</legend>
        <div className="mt-1 flex flex-wrap gap-3">
          {pauseTypes.map((t) => (
            <label key={t} className="inline-flex items-center gap-1">
              <input type="checkbox" name="pauseTypes[]" value={t} defaultChecked={preference?.pauseTypes.includes(t)} />
              {t.replace(/_/g, ' ')}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="inline-flex items-center gap-1 text-xs text-slate-600">
        <input type="checkbox" name="enabled" defaultChecked={preference?.enabled ?? true} /> On
      </label>
      {state.data?.secret ? (
        <NewSecret secret={state.data.secret} />
      ) : (
        preference?.channel === 'webhook' &&
        preference.hasSecret && (
          <p className="text-xs text-slate-600">
            Signed with a secret shown only when it was created; rotate it to get a new one (see the README for checking{' '}
            <code>Flightdeck-Signature</code>).
          </p>
        )
      )}
      <div className="flex items-center gap-2">
        <Button type="submit" size="sm" disabled={pending}>
          {pending ? 'Saving…' : preference ? 'Save' : 'Add rule'}
        </Button>
        {state.error && (
          <span role="alert" className="text-xs text-red-700">
            {state.error}
          </span>
        )}
        {state.ok && (
          <span role="status" className="text-xs text-emerald-700">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

/** The "add a rule" form: after each add it starts empty again, and shows the new rule's secret (once) above. */
export function NewRuleForm({ canWebhook }: { canWebhook: boolean }) {
  const [added, setAdded] = useState<{ round: number; secret: string | null }>({ round: 0, secret: null });
  return (
    <div className="space-y-2">
      {added.secret && <NewSecret secret={added.secret} />}
      {added.round > 0 && !added.secret && (
        <p role="status" className="text-xs text-emerald-700">
          Rule added.
        </p>
      )}
      <PreferenceForm
        key={added.round}
        canWebhook={canWebhook}
        onSaved={(r) => setAdded((a) => ({ round: a.round + 1, secret: r.data?.secret ?? null }))}
      />
    </div>
  );
}

/** A signing secret just created or rotated: the only time it is ever readable. */
function NewSecret({ secret }: { secret: string }) {
  return (
    <p role="status" className="rounded-md bg-amber-50 p-2 text-xs text-slate-700">
      Signing secret — copy it now, it will not be shown again:{' '}
      <code data-testid="webhook-secret" className="select-all rounded bg-white px-1">
        {secret}
      </code>
    </p>
  );
}

export function PreferenceExtras({ preference }: { preference: PreferenceView }) {
  const [delState, delAction, deleting] = useActionState(deletePreferenceAction as Action, {});
  const [rotState, rotAction, rotating] = useActionState(rotateSecretAction as Action, {});
  return (
    <div className="mt-1 flex gap-2">
      {preference.channel === 'webhook' && (
        <form action={rotAction}>
          <input type="hidden" name="id" value={preference.id} />
          <Button type="submit" size="sm" variant="ghost" disabled={rotating}>
            {rotating ? 'Rotating…' : 'Rotate secret'}
          </Button>
        </form>
      )}
      <form action={delAction}>
        <input type="hidden" name="id" value={preference.id} />
        <Button type="submit" size="sm" variant="ghost" disabled={deleting}>
          {deleting ? 'Deleting…' : 'Delete rule'}
        </Button>
      </form>
      {rotState.data?.secret && <NewSecret secret={rotState.data.secret} />}
      {(delState.error || rotState.error) && (
        <span role="alert" className="text-xs text-red-700">
          {delState.error ?? rotState.error}
        </span>
      )}
    </div>
  );
}
