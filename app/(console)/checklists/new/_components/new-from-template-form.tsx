'use client';
import { useRouter } from 'next/navigation';
import { useActionState, useEffect } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import { instantiateTemplateAction } from '../../actions';
import { FieldError, FormError, inputClass, ReleaseFields } from '../../_components/form-bits';

export function NewFromTemplateForm({
  templates,
  selected,
}: {
  templates: { id: string; title: string; items: number }[];
  selected?: string;
}) {
  const router = useRouter();
  const [state, action, pending] = useActionState<ActionResult<{ checklistId: string }>, FormData>(
    instantiateTemplateAction,
    {},
  );
  useEffect(() => {
    if (state.ok && state.data) router.push(`/checklists/${state.data.checklistId}`);
  }, [state, router]);
  return (
    <form action={action} className="space-y-3">
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Template</span>
        <select name="templateId" defaultValue={selected ?? templates[0]?.id} className={inputClass}>
          {templates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.title} ({t.items} items)
            </option>
          ))}
        </select>
        <FieldError errors={state.fieldErrors?.templateId} />
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Title</span>
        <input name="title" required placeholder="Release 2.4 to production" className={inputClass} />
        <FieldError errors={state.fieldErrors?.title} />
      </label>
      <ReleaseFields errors={state.fieldErrors} />
      <FormError error={state.error} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Creating…' : 'Create checklist'}
      </Button>
    </form>
  );
}
