import { guardedRoute } from '@/lib/auth/guards';
import { exportChecklistMarkdown } from '@/lib/checklists/queries';
import { AppError } from '@/lib/errors';

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The checklist as a Markdown download: ticks and standing signatures included, re-importable as is. */
export const GET = guardedRoute<{ id: string }>({ permission: 'console:read' }, async ({ params }) => {
  if (!uuidRe.test(params.id)) throw new AppError('not_found', 'Checklist not found');
  const markdown = await exportChecklistMarkdown({ checklistId: params.id });
  if (markdown === null) throw new AppError('not_found', 'Checklist not found');
  const title = markdown.match(/^# (.+)$/m)?.[1] ?? 'checklist';
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'checklist';
  return new Response(markdown, {
    headers: {
      'content-type': 'text/markdown; charset=utf-8',
      'content-disposition': `attachment; filename="${slug}.md"`,
      'cache-control': 'no-store',
    },
  });
});
