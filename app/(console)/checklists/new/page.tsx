import type { Metadata } from 'next';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { listChecklists } from '@/lib/checklists/queries';
import { NewFromTemplateForm } from './_components/new-from-template-form';
import { getDb } from '@/lib/db/client';

export const metadata: Metadata = { title: 'New checklist from template' };

export default async function NewChecklistPage({ searchParams }: { searchParams: Promise<{ template?: string }> }) {
  await requirePageUser('checklists:create');
  const { template } = await searchParams;
  const { rows } = await listChecklists(await getDb(), { templates: true, limit: 100 });
  return (
    <>
      <Link href="/checklists" className="text-sm text-indigo-700 hover:underline">
        ← Checklists
      </Link>
      <PageHeader title="New from template" description="A fresh, unticked copy of a template for one release." />
      <Card className="max-w-2xl">
        {rows.length === 0 ? (
          <EmptyState title="No templates yet">
            <Link href="/checklists/import" className="text-indigo-700 underline">
              Import a Markdown checklist
            </Link>{' '}
            and save it as a template first.
          </EmptyState>
        ) : (
          <NewFromTemplateForm
            templates={rows.map((r) => ({ id: r.id, title: r.title, items: r.progress.total }))}
            selected={rows.some((r) => r.id === template) ? template : undefined}
          />
        )}
      </Card>
    </>
  );
}
