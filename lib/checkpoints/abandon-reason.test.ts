import { expect, it } from 'vitest';
import { recoveryAbandonedReason, spellDuration } from './abandon-reason';

it('spells the abandonment timeout in words, not as a setting name or raw seconds', () => {
  expect(recoveryAbandonedReason(900)).toBe('The agent did not report an outcome within 15 minutes of the restore');
  expect(spellDuration(3600)).toBe('1 hour');
  expect(spellDuration(60)).toBe('1 minute');
  expect(spellDuration(90)).toBe('90 seconds');
  expect(spellDuration(7200)).toBe('2 hours');
});
