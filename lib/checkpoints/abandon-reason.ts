/** "15 minutes", "1 hour", "90 seconds": a timeout as a person would say it. */
export function spellDuration(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (seconds >= 3600 && seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds >= 60 && seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
}

/**
 * Why a recovery was marked abandoned, shown on the Recoveries page and the session's timeline: what happened, in
 * words, rather than the name of the setting behind the timeout.
 */
export function recoveryAbandonedReason(afterSeconds: number): string {
  return `The agent did not report an outcome within ${spellDuration(afterSeconds)} of the restore`;
}
