import { z } from 'zod';
import { invalidProxyEntry, splitProxyList } from '@/lib/http/client-address';

/**
 * Configuration, validated once. A bad value stops start-up with one line naming the variable.
 * Every variable is listed with its default and meaning in .env.example.
 */
const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
const bool = (def: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no'])
    .default(def ? '1' : '0')
    .transform((v) => v === '1' || v === 'true' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v), 'must be a postgres:// or postgresql:// URL')
    .refine((v) => {
      try {
        new URL(v);
        return true;
      } catch {
        return false;
      }
    }, 'is not a valid URL')
    .optional(),
  PGLITE_DATA_DIR: z.string().min(1).default('./.data/pglite'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  APP_URL: z.string().url().optional(),

  DB_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  DB_ACQUIRE_TIMEOUT_MS: int(30_000),
  DB_STATEMENT_TIMEOUT_MS: int(30_000),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(60_000),
  DB_CONNECT_TIMEOUT_S: z.coerce.number().int().min(1).max(600).default(5),
  DB_SLOW_QUERY_MS: int(1000),
  DB_LEAK_THRESHOLD_MS: int(30_000),
  MAX_RETRIES: z.coerce.number().int().min(0).max(20).default(3),
  RETRY_BACKOFF_BASE: z.coerce.number().min(1).max(10).default(2),
  RETRY_BACKOFF_CAP_MS: int(5_000),
  RETRY_INITIAL_DELAY_MS: int(50),

  API_MAX_BODY_BYTES: int(1_048_576),
  API_MAX_CHECKPOINT_BYTES: int(20_971_520),
  API_RATE_LIMIT_PER_MINUTE: int(6000),

  CHECKPOINT_KEEP_LAST: int(50),
  RECOVERY_ABANDON_AFTER_S: int(900),
  TOOL_HISTORY_RETENTION_DAYS: int(90),
  TOOL_PREFERENCE_HALF_LIFE_DAYS: z.coerce.number().positive().default(14),
  // Weight, in runs, of the fleet-wide success rate in each (user, tool) estimate (lib/tools/preference.ts).
  TOOL_PREFERENCE_PRIOR_STRENGTH: z.coerce.number().positive().default(10),
  ROLLUP_REFRESH_INTERVAL_MS: z.coerce.number().int().min(1000).default(10_000),
  HEARTBEAT_STALE_S: int(120),

  BETTER_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_MAX_AGE_S: int(60 * 60 * 12),
  FLIGHTDECK_ADMIN_EMAIL: z.string().email().optional(),
  FLIGHTDECK_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  FLIGHTDECK_DEMO: bool(false),
  // Sign-in policy (lib/auth/rate-limit.ts): only failed sign-ins count.
  SIGN_IN_FREE_FAILURES: int(3),
  SIGN_IN_MAX_DELAY_S: z.coerce.number().int().min(1).default(60),
  SIGN_IN_MAX_FAILURES_PER_ADDRESS: int(30),
  SIGN_IN_FAILURE_WINDOW_S: z.coerce.number().int().min(1).default(900),
  // Reverse proxies whose X-Forwarded-For / -Proto are believed (lib/http/request-meta.ts). None by default.
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      for (const entry of splitProxyList(v)) {
        const bad = invalidProxyEntry(entry);
        if (bad) ctx.addIssue({ code: 'custom', message: `entry ${bad}` });
      }
    }),
  BACKGROUND_JOBS: bool(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset" so that `FOO=` in a .env file falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    const shown = name in cleaned && !/SECRET|PASSWORD|URL/.test(name) ? ` (got "${cleaned[name]}")` : '';
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}${shown}`);
  }
  return result.data;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = undefined;
}
