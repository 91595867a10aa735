import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { ImportForm } from './_components/import-form';

export const metadata: Metadata = { title: 'Import checklist' };

export default async function ImportChecklistPage() {
  await requirePageUser('checklists:create');
  return (
    <>
      <Link href="/checklists" className="text-sm text-indigo-700 hover:underline">
        ← Checklists
      </Link>
      <PageHeader
        title="Import Markdown"
        description="Headings become sections, - [ ] items become items (ticks kept), nested items sub-items, a fenced block under an item its command, and the Sign-Off block the roles that must sign."
      />
      <ImportForm />
    </>
  );
}
