import { z } from 'zod';

/** An optional number field of the project settings form: empty = the default (no limit); otherwise > 0. */
const optionalPositive = (opts: { int?: boolean; max: number }) =>
  z
    .union([z.string(), z.number(), z.null(), z.undefined()])
    .transform((v) => (v === null || v === undefined || (typeof v === 'string' && v.trim() === '') ? null : Number(v)))
    .pipe(
      z
        .number({ error: 'Enter a number' })
        .refine((v) => Number.isFinite(v), 'Enter a number')
        .refine((v) => !opts.int || Number.isInteger(v), 'Enter a whole number')
        .refine((v) => v > 0, 'Must be greater than 0 (leave empty for no limit)')
        .refine((v) => v <= opts.max, `At most ${opts.max}`)
        .nullable(),
    );

export const projectSettingsSchema = z.object({
  project: z.string().trim().min(1, 'Enter a project').max(200),
  heartbeatTimeoutS: optionalPositive({ int: true, max: 7 * 86_400 }),
  sessionBudgetCostUsd: optionalPositive({ max: 1_000_000_000 }),
  sessionBudgetTokens: optionalPositive({ int: true, max: Number.MAX_SAFE_INTEGER }),
  dailyBudgetCostUsd: optionalPositive({ max: 1_000_000_000 }),
  dailyBudgetTokens: optionalPositive({ int: true, max: Number.MAX_SAFE_INTEGER }),
});
