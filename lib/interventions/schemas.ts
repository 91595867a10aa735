import { z } from 'zod';
import { pauseTypes, resolutions } from '@/lib/db/schema/enums';

/** Filters of the Interventions page (URL search params) and inputs of its actions. Unknown values are dropped. */
const optionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((v) => v || undefined);

const loose = <T extends z.ZodType>(s: T) => s.optional().catch(undefined);

export const activeFilterSchema = z.object({
  project: loose(optionalText),
  type: loose(z.enum(pauseTypes)),
  age: loose(z.enum(['15m', '1h', '4h', '24h'])),
  // Order: oldest first (default) or nearest escalation deadline first.
  sort: loose(z.enum(['deadline'])),
});
export type ActiveFilter = z.infer<typeof activeFilterSchema>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const historyFilterSchema = z.object({
  project: loose(optionalText),
  type: loose(z.enum(pauseTypes)),
  resolution: loose(z.enum([...resolutions, 'open'])),
  from: loose(isoDate),
  to: loose(isoDate),
});
export type HistoryFilter = z.infer<typeof historyFilterSchema>;

/** Next.js searchParams (string | string[]) → a plain record of first values. */
export function firstValues(params: Record<string, string | string[] | undefined>) {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}

const id = z.string().uuid('Unknown intervention');
const note = z
  .string()
  .trim()
  .max(4000)
  .optional()
  .transform((v) => v || null);

export const resumeSchema = z.object({ pausedSessionId: id, note });
export const abortSchema = z.object({ pausedSessionId: id, reason: note });
export const noteSchema = z.object({ pausedSessionId: id, note: z.string().trim().min(1, 'Write a note').max(4000) });
export const assignSchema = z.object({
  pausedSessionId: id,
  force: z
    .union([z.boolean(), z.literal('on'), z.literal('true')])
    .optional()
    .transform((v) => v === true || v === 'on' || v === 'true'),
});
export const restoreSchema = z.object({
  pausedSessionId: id,
  checkpointId: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(z.string().uuid().nullable()),
  currentTask: note,
  instruction: note,
  note,
});

export const bulkSchema = z.object({
  action: z.enum(['resume', 'abort']),
  ids: z.array(id).min(1).max(100),
  note,
});

export const bulkMatchSchema = activeFilterSchema;
