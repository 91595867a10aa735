import { clip } from '@/lib/ui/format';

/**
 * A table cell's long text (a user agent, an error, an audit entry's details): cut to `max` characters here, with the
 * whole of it in the hover title only when something was cut — rather than sent twice (text and title) for the CSS
 * (`truncate`, `line-clamp-2`) to hide, in the HTML and again in the Flight payload of every row. `max` should be a
 * little more than the cell shows.
 */
export function Clipped({ text, max, className }: { text: string; max: number; className: string }) {
  const { shown, title } = clip(text, max);
  return (
    <div className={className} title={title}>
      {shown}
    </div>
  );
}
