'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import { setFourEyesAction } from './actions';

export function FourEyesToggle({ project, on }: { project: string; on: boolean }) {
  const [state, action, pending] = useActionState<ActionResult, FormData>(setFourEyesAction, {});
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="project" value={project} />
      <input type="hidden" name="fourEyes" value={on ? 'off' : 'on'} />
      <span className={on ? 'text-xs font-medium text-violet-700' : 'text-xs text-slate-500'}>{on ? 'four-eyes on' : 'off'}</span>
      <Button type="submit" size="sm" variant="secondary" disabled={pending} aria-label={`${on ? 'Turn off' : 'Turn on'} four-eyes for ${project}`}>
        {on ? 'Turn off' : 'Turn on'}
      </Button>
      {state.error && (
        <span role="alert" className="text-xs text-red-700">
          {state.error}
        </span>
      )}
    </form>
  );
}
