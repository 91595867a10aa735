/** A field's messages from the server's answer, under the field (inside its label, so a span). */
export function FieldError({ errors }: { errors?: string[] }) {
  return errors?.length ? <span className="mt-1 block text-xs text-red-700">{errors.join(' ')}</span> : null;
}
