'use client';
import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import type { ActionResult } from '@/lib/auth/guards';
import { IMPORT_MAX_BYTES, IMPORT_TOO_LARGE, isImportTooLarge } from '@/lib/checklists/import-limit';
import { phaseLabel, roleLabel, type ChecklistPreview } from '@/lib/checklists/markdown';
import { importChecklistAction, previewMarkdownAction } from '../../actions';
import { FieldError, FormError, inputClass, ReleaseFields } from '../../_components/form-bits';

/**
 * Paste or upload → "Preview" (a server action that only parses) → the counts per section → save as a checklist
 * or a template. The text is never cleaned up: broken encoding shows in the preview exactly as it will be stored.
 */
export function ImportForm() {
  const router = useRouter();
  const [markdown, setMarkdown] = useState('');
  const [previewedText, setPreviewedText] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [preview, previewAction, previewing] = useActionState<ActionResult<ChecklistPreview>, FormData>(
    async (_prev, fd) => {
      // Refused here, before a megabyte-sized request is sent; the action checks the same limit again.
      if (isImportTooLarge(String(fd.get('markdown') ?? ''))) return { fieldErrors: { markdown: [IMPORT_TOO_LARGE] } };
      // The previous preview is not sent back: the action does not read it and it can be large.
      const result = await previewMarkdownAction({}, fd);
      if (result.ok) setPreviewedText(String(fd.get('markdown') ?? ''));
      return result;
    },
    {},
  );
  const [saved, saveAction, saving] = useActionState<ActionResult<{ checklistId: string }>, FormData>(
    async (prev, fd) =>
      isImportTooLarge(String(fd.get('markdown') ?? '')) ? { error: IMPORT_TOO_LARGE } : importChecklistAction(prev, fd),
    {},
  );
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (saved.ok && saved.data) router.push(`/checklists/${saved.data.checklistId}`);
  }, [saved, router]);

  const p = preview.ok ? preview.data : undefined;
  const stale = p !== undefined && previewedText !== markdown;

  async function onFile(file: File | undefined) {
    setFileError(null);
    if (!file) return;
    if (file.size > IMPORT_MAX_BYTES) {
      setFileError(IMPORT_TOO_LARGE);
      return;
    }
    // Decoded as UTF-8 with replacement characters, never "repaired": what you see is what is imported.
    setMarkdown(await file.text());
  }

  return (
    <div className="grid gap-6 xl:grid-cols-2">
      <Card title="1. Markdown">
        <form action={previewAction} className="space-y-3">
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <label className="inline-flex cursor-pointer items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-slate-700 hover:bg-slate-50">
              Upload a .md file
              <input
                ref={fileInput}
                type="file"
                accept=".md,.markdown,.txt,text/markdown,text/plain"
                className="sr-only"
                onChange={(e) => onFile(e.currentTarget.files?.[0])}
              />
            </label>
            <span className="text-slate-500">or paste below</span>
          </div>
          {fileError && <p className="text-sm text-red-700">{fileError}</p>}
          <label className="block">
            <span className="sr-only">Markdown</span>
            <textarea
              name="markdown"
              aria-label="Markdown"
              value={markdown}
              onChange={(e) => setMarkdown(e.target.value)}
              rows={22}
              spellCheck={false}
              placeholder={'# Release 2.4\n\n## Pre-Deployment\n- [ ] Backups verified\n- [ ] Migration reviewed\n  ```bash\n  npm run db:migrate -- --dry-run\n  ```\n\n## Sign-Off\nQA: ____ Date: ____\nProduction: ____ Date: ____'}
              className={`${inputClass} font-mono text-xs leading-5`}
            />
          </label>
          <FieldError errors={preview.fieldErrors?.markdown} />
          <FormError error={preview.error && !preview.fieldErrors ? preview.error : undefined} />
          <Button type="submit" variant="secondary" disabled={previewing || markdown.trim() === ''}>
            {previewing ? 'Reading…' : 'Preview'}
          </Button>
        </form>
      </Card>

      <div className="space-y-6">
        <Card title="2. Preview">
          {!p ? (
            <p className="text-sm text-slate-500">
              The preview lists what the import would create: sections with their items, ticked items, sub-items,
              commands and the sign-off roles. Nothing is saved until you choose below.
            </p>
          ) : (
            <PreviewTable preview={p} stale={stale} />
          )}
        </Card>

        {p && p.totals.sections > 0 && (
          <Card title="3. Save">
            <form action={saveAction} className="space-y-3">
              <input type="hidden" name="markdown" value={previewedText ?? ''} />
              <label className="block text-sm">
                <span className="font-medium text-slate-700">Title</span>
                <input
                  name="title"
                  defaultValue={p.title ?? ''}
                  key={p.title ?? ''}
                  placeholder="Untitled checklist"
                  className={inputClass}
                />
              </label>
              <FieldError errors={saved.fieldErrors?.title} />
              <ReleaseFields errors={saved.fieldErrors} />
              <FormError error={saved.error} />
              {stale && (
                <p className="text-sm text-amber-700">The text changed since the preview; preview again to save it.</p>
              )}
              <div className="flex gap-2">
                <Button type="submit" name="asTemplate" value="false" disabled={saving || stale}>
                  {saving ? 'Saving…' : 'Save as checklist'}
                </Button>
                <Button type="submit" name="asTemplate" value="true" variant="secondary" disabled={saving || stale}>
                  Save as template
                </Button>
              </div>
            </form>
          </Card>
        )}
      </div>
    </div>
  );
}

function PreviewTable({ preview: p, stale }: { preview: ChecklistPreview; stale: boolean }) {
  if (p.totals.sections === 0) {
    return (
      <p role="status" className="text-sm text-amber-700">
        No checklist found: the text has no <code>- [ ]</code> items and no rollback or success criteria.
      </p>
    );
  }
  return (
    <div className={stale ? 'opacity-60' : undefined} aria-label="Import preview" role="region">
      {p.title && (
        <p className="mb-2 text-sm">
          <span className="text-slate-500">Title:</span> <span className="font-medium">{p.title}</span>
        </p>
      )}
      {p.intro && (
        <div className="mb-3 text-sm">
          <span className="text-slate-500">Intro:</span>
          <p className="mt-0.5 line-clamp-4 whitespace-pre-wrap break-words text-slate-700">{p.intro}</p>
        </div>
      )}
      <dl className="mb-3 grid grid-cols-3 gap-2 text-center sm:grid-cols-6">
        {(
          [
            ['Sections', p.totals.sections],
            ['Items', p.totals.items],
            ['Required', p.totals.required],
            ['Ticked', p.totals.checked],
            ['Sub-items', p.totals.subItems],
            ['Commands', p.totals.commands],
          ] as const
        ).map(([label, n]) => (
          <div key={label} className="rounded-lg bg-slate-50 px-2 py-1.5">
            <dt className="text-[11px] uppercase tracking-wide text-slate-500">{label}</dt>
            <dd className="text-lg font-semibold tabular-nums">{n}</dd>
          </div>
        ))}
      </dl>
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm">
          <thead>
            <tr className="text-left text-xs uppercase tracking-wide text-slate-500">
              <th className="py-1 pr-2 font-semibold">Section</th>
              <th className="px-2 py-1 font-semibold">Phase</th>
              <th className="px-2 py-1 text-right font-semibold">Items</th>
              <th className="px-2 py-1 text-right font-semibold">Ticked</th>
              <th className="px-2 py-1 text-right font-semibold">Sub</th>
              <th className="px-2 py-1 text-right font-semibold">Cmds</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {p.sections.map((s, i) => (
              <tr key={i}>
                <td className="max-w-64 break-words py-1 pr-2">
                  {s.title}
                  {s.signoffRole && <span className="ml-1 text-xs text-slate-500">({roleLabel(s.signoffRole)} only)</span>}
                  {s.items === 0 && s.hasDescription && <span className="ml-1 text-xs text-slate-500">(text)</span>}
                </td>
                <td className="whitespace-nowrap px-2 py-1 text-xs text-slate-600">{phaseLabel(s.phase)}</td>
                <td className="px-2 py-1 text-right tabular-nums">
                  {s.items}
                  {s.required !== s.items && <span className="text-xs text-slate-500"> ({s.required} req.)</span>}
                </td>
                <td className="px-2 py-1 text-right tabular-nums">{s.checked}</td>
                <td className="px-2 py-1 text-right tabular-nums">{s.subItems}</td>
                <td className="px-2 py-1 text-right tabular-nums">{s.commands}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="mt-3 text-sm">
        <span className="text-slate-500">Sign-off roles:</span> {p.requiredRoles.map(roleLabel).join(', ')}
      </p>
      {p.signatures.length > 0 && (
        <p className="mt-1 text-xs text-slate-500">
          Names in the document&apos;s sign-off block (
          {p.signatures.map((s) => `${roleLabel(s.role)}: ${s.name}`).join('; ')}) are not imported as sign-offs: each
          role signs here once its items are ticked.
        </p>
      )}
    </div>
  );
}
