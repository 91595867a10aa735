import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { editMaxBytes, stateOf } from '@/lib/checkpoints/fork';
import { getCheckpointState } from '@/lib/checkpoints/state';
import { getDb } from '@/lib/db/client';
import { isUuid } from '@/lib/sessions/queries';
import { StateEditor } from '../../../../_components/state-editor';

export const metadata: Metadata = { title: 'Edit and restore' };

/** Restore with an edited state: the checkpoint's full state in a JSON editor (engineers and admins). */
export default async function EditCheckpointPage({ params }: { params: Promise<{ id: string; checkpointId: string }> }) {
  await requirePageUser('interventions:restore');
  const { id, checkpointId } = await params;
  if (!isUuid(id) || !isUuid(checkpointId)) notFound();
  const c = await getCheckpointState(await getDb(), { checkpointId });
  if (!c || c.sessionId !== id) notFound();
  const text = JSON.stringify(stateOf(c), null, 2);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/sessions/${id}/checkpoints/${checkpointId}`} className="text-indigo-700 hover:underline">
          ← Checkpoint #{c.sequence}
        </Link>
      </p>
      <PageHeader
        title={`Edit and restore checkpoint #${c.sequence}`}
        description="The edited state becomes a new manual checkpoint forked from this one (which never changes); the agent receives it through its control call."
      />
      {!c.isValid ? (
        <p role="alert" className="text-sm text-red-700">This checkpoint was invalidated and cannot be restored.</p>
      ) : Buffer.byteLength(text) > editMaxBytes() ? (
        <p role="alert" className="text-sm text-red-700">This state is too large to edit in the console ({Buffer.byteLength(text)} bytes; the limit is {editMaxBytes()}).</p>
      ) : (
        <StateEditor sessionId={id} checkpointId={c.id} sequence={c.sequence} initial={text} maxBytes={editMaxBytes()} />
      )}
    </>
  );
}
