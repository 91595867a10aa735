import { z } from 'zod';
import { invalidProxyEntry, splitProxyList } from '@/lib/http/client-address';

/**
 * Configuration, validated once. A bad value stops start-up with one line naming the variable.
 * Every variable is listed with its default and meaning in .env.example.
 */

/** Every numeric setting is a whole number in a range; the message says which, for the one start-up line. */
const intIn = (min: number, max: number | undefined, def: number) => {
  const allowed = max === undefined ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
  const n = z.coerce.number({ error: `must be ${allowed}` }).int({ error: `must be ${allowed}` }).min(min, { error: `must be ${allowed}` });
  return (max === undefined ? n : n.max(max, { error: `must be ${allowed}` })).default(def);
};
const int = (def: number) => intIn(0, undefined, def);
const positive = (def: number) =>
  z.coerce.number({ error: 'must be a number > 0' }).positive({ error: 'must be a number > 0' }).default(def);
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, def: T[number]) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` }).default(def);
const bool = (def: boolean) =>
  oneOf(['1', '0', 'true', 'false', 'yes', 'no'], def ? '1' : '0').transform((v) => v === '1' || v === 'true' || v === 'yes');
const httpUrl = z
  .string()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http:// or https:// URL');

const schema = z.object({
  NODE_ENV: oneOf(['development', 'production', 'test'], 'development'),
  DATABASE_URL: z
    .string()
    .refine(
      (v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v),
      'must be a postgres:// or postgresql:// URL (postgres://user:password@host:5432/database)',
    )
    .optional(),
  // Streaming read replicas (lib/db/replica.ts): dashboard, analytics and list reads go to a healthy one; commands,
  // the agent API and read-your-own-write pages stay on DATABASE_URL. Ignored without DATABASE_URL.
  DATABASE_REPLICA_URLS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((u) => u.trim()).filter(Boolean))
    .superRefine((urls, ctx) => {
      for (const u of urls) {
        if (!/^postgres(ql)?:\/\/[^\s]+$/.test(u) || !URL.canParse(u)) {
          ctx.addIssue({ code: 'custom', message: `entry ${u.replace(/(\/\/[^/@:]*):[^@/]*@/, '$1:***@')} must be a postgres:// or postgresql:// URL` });
        }
      }
    }),
  // A replica further behind than this (seconds) is skipped and its reads go to the primary.
  REPLICA_MAX_LAG_S: positive(10),
  PGLITE_DATA_DIR: z.string().min(1).default('./.data/pglite'),
  PORT: intIn(1, 65535, 3000),
  APP_URL: httpUrl.optional(),
  // An alias of APP_URL (the name Slack-style integrations use): set either, or both to the same value.
  PUBLIC_URL: httpUrl.optional(),

  DB_POOL_MAX: intIn(1, 1000, 10),
  DB_ACQUIRE_TIMEOUT_MS: int(30_000),
  DB_STATEMENT_TIMEOUT_MS: int(30_000),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(60_000),
  DB_CONNECT_TIMEOUT_S: intIn(1, 600, 5),
  DB_SLOW_QUERY_MS: int(1000),
  DB_LEAK_THRESHOLD_MS: int(30_000),
  MAX_RETRIES: intIn(0, 20, 3),
  RETRY_BACKOFF_BASE: z.coerce
    .number({ error: 'must be a number from 1 to 10' })
    .min(1, { error: 'must be a number from 1 to 10' })
    .max(10, { error: 'must be a number from 1 to 10' })
    .default(2),
  RETRY_BACKOFF_CAP_MS: int(5_000),
  RETRY_INITIAL_DELAY_MS: int(50),

  API_MAX_BODY_BYTES: int(1_048_576),
  API_MAX_CHECKPOINT_BYTES: int(20_971_520),
  // OTLP exports (app/api/otlp/v1/traces): the limit holds for the body as sent and, gzipped, once unpacked.
  OTLP_MAX_BODY_BYTES: int(4_194_304),
  API_RATE_LIMIT_PER_MINUTE: int(6000),
  // Fleets sharing a token (lib/auth/rate-limit.ts): each session the token acts on adds this to its budget, and is
  // itself held to it; 0 = per-token limit only.
  API_RATE_LIMIT_PER_SESSION_PER_MINUTE: int(120),
  API_RATE_LIMIT_MAX_SESSIONS_PER_TOKEN: int(10_000),

  CHECKPOINT_KEEP_LAST: int(50),
  RECOVERY_ABANDON_AFTER_S: int(900),
  TOOL_HISTORY_RETENTION_DAYS: int(90),
  // Whole monthly event partitions older than this are dropped (0 = keep forever); lib/events/partitions.ts.
  EVENT_RETENTION_DAYS: int(180),
  TOOL_PREFERENCE_HALF_LIFE_DAYS: positive(14),
  // Weight, in runs, of the fleet-wide success rate in each (user, tool) estimate (lib/tools/preference.ts).
  TOOL_PREFERENCE_PRIOR_STRENGTH: positive(10),
  ROLLUP_REFRESH_INTERVAL_MS: intIn(1000, undefined, 10_000),
  HEARTBEAT_STALE_S: int(120),
  // The heartbeat watchdog (lib/interventions/watchdog.ts): a running session silent this long is paused as `timeout`
  // (per project in Settings → Projects).
  HEARTBEAT_TIMEOUT_S: intIn(1, undefined, 300),
  // How often the time-driven jobs (the heartbeat watchdog) run.
  JOBS_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  // Overrides the 10/15/60-minute intervals of the retention and partition passes (a test or `npm run cluster`
  // that must see many of them); unset: each pass keeps its own interval (lib/server/jobs.ts).
  JOBS_MAINTENANCE_INTERVAL_MS: z.coerce
    .number({ error: 'must be a whole number ≥ 1000' })
    .int({ error: 'must be a whole number ≥ 1000' })
    .min(1000, { error: 'must be a whole number ≥ 1000' })
    .optional(),

  BETTER_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_MAX_AGE_S: int(60 * 60 * 12),
  FLIGHTDECK_ADMIN_EMAIL: z.email({ error: 'must be an email address' }).optional(),
  FLIGHTDECK_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  FLIGHTDECK_DEMO: bool(false),
  // Sign-in policy (lib/auth/rate-limit.ts): only failed sign-ins count.
  SIGN_IN_FREE_FAILURES: int(3),
  SIGN_IN_MAX_DELAY_S: intIn(1, undefined, 60),
  SIGN_IN_MAX_FAILURES_PER_ADDRESS: int(30),
  SIGN_IN_FAILURE_WINDOW_S: intIn(1, undefined, 900),
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
  // Idle keep-alive connections are kept this long (lib/http/keep-alive.ts); above a load balancer's idle timeout.
  HTTP_KEEP_ALIVE_TIMEOUT_S: intIn(1, 3600, 65),
  // The agent API's hot calls served straight from Node's HTTP server, around Next.js's pipeline (lib/http/fast-path.ts).
  AGENT_FAST_PATH: bool(true),
  // The benchmark's floor page /bench-floor (npm run bench:pages): 404 unless 1.
  BENCH_FLOOR_ROUTE: bool(false),
  // Hosts (names or IPs, comma-separated) that outbound calls may reach even though they resolve to a loopback,
  // private, link-local or otherwise non-public address (lib/net/outbound.ts). Empty: public addresses only.
  OUTBOUND_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((h) => h.trim()).filter(Boolean)),
  // Slack (lib/integrations/slack): the app's signing secret (verifies button clicks) and the fleet-wide channel's
  // incoming webhook (https; or a host in OUTBOUND_ALLOWED_HOSTS). Both optional: without the secret every
  // interaction is refused with 401; the fleet channel can also be set in Settings → Integrations.
  SLACK_SIGNING_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
  SLACK_WEBHOOK_URL: httpUrl.optional(),
  // 0: only an admin links Slack member IDs (Settings → Users, CLI); people cannot link their own.
  SLACK_SELF_LINK: bool(true),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
});

export type Env = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** What the start-up line may show of a value: never a secret, never a URL's password. */
function shownValue(name: string, value: string): string {
  if (/SECRET|PASSWORD|TOKEN|KEY/.test(name)) return '';
  return `="${value.replace(/(\/\/[^/@:]*):[^@/]*@/g, '$1:***@')}"`;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset" so that `FOO=` in a .env file falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    const value = name in cleaned ? shownValue(name, String(cleaned[name])) : '';
    throw new ConfigError(`Invalid configuration: ${name}${value} ${issue.message}`);
  }
  const e = result.data;
  // PUBLIC_URL is APP_URL under another name: one address, so two different ones are a configuration error.
  if (e.PUBLIC_URL && e.APP_URL && e.PUBLIC_URL.replace(/\/$/, '') !== e.APP_URL.replace(/\/$/, '')) {
    throw new ConfigError(`Invalid configuration: PUBLIC_URL="${e.PUBLIC_URL}" must equal APP_URL (it is an alias); set only one`);
  }
  return { ...e, APP_URL: e.APP_URL ?? e.PUBLIC_URL };
}

/**
 * Settings that the schema alone cannot require: in production (outside the demo) the cookie secret and the
 * public URL must be set, because without them the server would start and then fail or sign people in over
 * cookies an attacker can forge or read. Checked at start-up (lib/server/startup.ts), not at build time.
 */
export function assertProductionConfig(e: Env): void {
  if (e.FLIGHTDECK_ADMIN_EMAIL && !e.FLIGHTDECK_ADMIN_PASSWORD) {
    throw new ConfigError('Invalid configuration: FLIGHTDECK_ADMIN_PASSWORD is required when FLIGHTDECK_ADMIN_EMAIL is set');
  }
  if (e.FLIGHTDECK_ADMIN_PASSWORD && !e.FLIGHTDECK_ADMIN_EMAIL) {
    throw new ConfigError('Invalid configuration: FLIGHTDECK_ADMIN_EMAIL is required when FLIGHTDECK_ADMIN_PASSWORD is set');
  }
  if (e.NODE_ENV !== 'production' || e.FLIGHTDECK_DEMO) return;
  if (!e.BETTER_AUTH_SECRET) {
    throw new ConfigError(
      'Invalid configuration: BETTER_AUTH_SECRET is required in production: 32+ random characters (openssl rand -base64 32)',
    );
  }
  if (!e.APP_URL) {
    throw new ConfigError(
      'Invalid configuration: APP_URL is required in production: the URL people open, e.g. https://flightdeck.example.com',
    );
  }
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
