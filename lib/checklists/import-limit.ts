/**
 * How much Markdown one import may carry, in UTF-8 bytes: what travels in the server-action request, so the same
 * number holds in the form (checked before sending), in the action's schema and in Next's body limit
 * (next.config.ts `serverActions.bodySizeLimit`, set above it with room for the other form fields). Counting
 * characters instead let 2,000,000 accented or CJK characters through the schema as a 4–6 MB body that Next
 * refused with a bare 500.
 */
export const IMPORT_MAX_BYTES = 2_000_000;

export const IMPORT_TOO_LARGE =
  'The text is over 2 MB (an import may be at most 2,000,000 bytes): split the checklist or trim it.';

export function isImportTooLarge(s: string): boolean {
  // Longer than the limit in UTF-16 units means longer in bytes too: no need to encode megabytes to know.
  if (s.length > IMPORT_MAX_BYTES) return true;
  return new TextEncoder().encode(s).byteLength > IMPORT_MAX_BYTES;
}
