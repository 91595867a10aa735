import type { InvalidateResult } from './commands';
import type { StartRecoveryResult } from './recovery';

/** A refusal as the command contract returns it: its reason for code, its message for a person. */
export type WithMessage<R> = R extends { ok: false } ? R & { message: string } : R;

/** What an operator reads when a restore is refused: the reason and what to do about it. */
export function describeRestoreRefusal(r: Exclude<StartRecoveryResult, { ok: true }>): string {
  switch (r.reason) {
    case 'not_found':
      return 'That session or checkpoint no longer exists (it may have been pruned). Reload the page.';
    case 'no_valid_checkpoint':
      return 'This session has no valid checkpoint to restore.';
    case 'checkpoint_invalid':
      return 'This checkpoint was invalidated and cannot be restored. Pick a valid one.';
    case 'checkpoint_other_session':
      return 'This checkpoint belongs to another session.';
    case 'session_finished':
      return `The session is ${r.status}: a finished session cannot be restored.`;
    case 'recovery_in_progress':
      return `A recovery is already in progress${r.initiatedBy ? ` (started by ${r.initiatedBy})` : ''}. Wait for the agent to report back.`;
  }
}

export function describeInvalidateRefusal(r: Exclude<InvalidateResult, { ok: true }>): string {
  switch (r.reason) {
    case 'not_found':
      return 'That checkpoint no longer exists (it may have been pruned). Reload the page.';
    case 'checkpoint_other_session':
      return 'This checkpoint belongs to another session: nothing was invalidated.';
  }
}
