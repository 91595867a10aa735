import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

/**
 * The one password rule, applied wherever a password is set (Settings → Users, /setup, `npm run user:create`,
 * FLIGHTDECK_ADMIN_PASSWORD at start-up, Better Auth's change/reset endpoints): 12–256 characters, and not
 * guessable by zxcvbn-ts (the maintained TypeScript port of Dropbox's estimator, with its common-password,
 * English and keyboard-pattern dictionaries) — score 3 of 4 at least ("safely unguessable": ~10^8 guesses or
 * more), counting the person's own email, its parts and their name as known words.
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
const MIN_SCORE = 3;

export type PasswordCheck = { ok: true } | { ok: false; message: string };

let estimator: ZxcvbnFactory | undefined;

function zxcvbn() {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return estimator;
}

/** The words a guesser would try first for this person: their email, its parts, their name, the product. */
function contextWords(context: { email?: string | null; name?: string | null }) {
  const words = new Set<string>(['flightdeck']);
  for (const value of [context.email, context.name]) {
    if (!value) continue;
    const v = value.trim().toLowerCase();
    words.add(v);
    const local = v.split('@')[0];
    words.add(local);
    // "Ada Lovelace" / ada.lovelace@… are also tried run together: adalovelace.
    for (const s of [v, local]) words.add(s.replace(/[^\p{L}\p{N}]+/gu, ''));
    for (const part of v.split(/[^\p{L}\p{N}]+/u)) if (part.length >= 3) words.add(part);
  }
  return [...words];
}

export function checkPassword(password: string, context: { email?: string | null; name?: string | null } = {}): PasswordCheck {
  if (password.length < MIN_PASSWORD_LENGTH) return { ok: false, message: `At least ${MIN_PASSWORD_LENGTH} characters` };
  if (password.length > MAX_PASSWORD_LENGTH) return { ok: false, message: `At most ${MAX_PASSWORD_LENGTH} characters` };
  const result = zxcvbn().check(password, contextWords(context));
  if (result.score >= MIN_SCORE) return { ok: true };
  const warning = result.feedback.warning;
  const why =
    warning === en.translations.warnings.userInputs
      ? 'it is built from your email or name'
      : (warning ?? result.feedback.suggestions[0] ?? 'add more words that are less common').replace(/\.$/, '');
  return { ok: false, message: `Too easy to guess: ${why}` };
}
