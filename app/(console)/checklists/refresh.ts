import 'server-only';
import { revalidatePath } from 'next/cache';
import { signalChecklist } from '@/lib/events/bus';

/** After a committed checklist change: fresh pages, and the release-gate long-polls woken. */
export function refreshChecklist(checklistId: string) {
  signalChecklist(checklistId);
  revalidatePath(`/checklists/${checklistId}`);
  revalidatePath('/checklists');
}
