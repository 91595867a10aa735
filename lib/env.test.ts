import { describe, expect, it } from 'vitest';
import { ConfigError, assertProductionConfig, parseEnv } from './env';

/** The one line a bad setting produces: the variable, the value when it is safe to show, and what is allowed. */
function lineFor(source: Record<string, string>, check: 'parse' | 'production' = 'parse'): string {
  try {
    const e = parseEnv(source);
    if (check === 'production') assertProductionConfig(e);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEnv', () => {
  it.each([
    [{ DB_POOL_MAX: 'abc' }, 'Invalid configuration: DB_POOL_MAX="abc" must be a whole number from 1 to 1000'],
    [{ DB_POOL_MAX: '0' }, 'Invalid configuration: DB_POOL_MAX="0" must be a whole number from 1 to 1000'],
    [{ DB_POOL_MAX: '2.5' }, 'Invalid configuration: DB_POOL_MAX="2.5" must be a whole number from 1 to 1000'],
    [{ HEARTBEAT_STALE_S: '-1' }, 'Invalid configuration: HEARTBEAT_STALE_S="-1" must be a whole number ≥ 0'],
    [{ EVENT_RETENTION_DAYS: '90d' }, 'Invalid configuration: EVENT_RETENTION_DAYS="90d" must be a whole number ≥ 0'],
    [
      { LOG_LEVEL: 'verbose' },
      'Invalid configuration: LOG_LEVEL="verbose" must be one of fatal, error, warn, info, debug, trace, silent',
    ],
    [{ BACKGROUND_JOBS: 'maybe' }, 'Invalid configuration: BACKGROUND_JOBS="maybe" must be one of 1, 0, true, false, yes, no'],
    [
      { DATABASE_URL: 'notaurl' },
      'Invalid configuration: DATABASE_URL="notaurl" must be a postgres:// or postgresql:// URL (postgres://user:password@host:5432/database)',
    ],
    [{ APP_URL: 'flightdeck.example.com' }, 'Invalid configuration: APP_URL="flightdeck.example.com" must be an http:// or https:// URL'],
    [{ BETTER_AUTH_SECRET: 'short' }, 'Invalid configuration: BETTER_AUTH_SECRET must be at least 32 characters'],
    [{ HTTP_KEEP_ALIVE_TIMEOUT_S: '0' }, 'Invalid configuration: HTTP_KEEP_ALIVE_TIMEOUT_S="0" must be a whole number from 1 to 3600'],
  ])('%o → %s', (source, line) => {
    expect(lineFor(source)).toBe(line);
  });

  it('never shows the password of a database URL', () => {
    const line = lineFor({ DATABASE_URL: 'mysql://ops:hunter2hunter2@db.example.com/flightdeck' });
    expect(line).not.toContain('hunter2');
    expect(line).toContain('DATABASE_URL="mysql://ops:***@db.example.com/flightdeck"');
  });

  it('reads DATABASE_REPLICA_URLS as a list and names a bad entry without its password', () => {
    expect(parseEnv({ DATABASE_REPLICA_URLS: ' postgres://r1:5432/fd , postgresql://r2/fd,' })).toMatchObject({
      DATABASE_REPLICA_URLS: ['postgres://r1:5432/fd', 'postgresql://r2/fd'],
      REPLICA_MAX_LAG_S: 10,
    });
    expect(lineFor({ DATABASE_REPLICA_URLS: 'postgres://a:pw1secret@r1/fd,mysql://b:pw2secret@r2/fd' })).toBe(
      'Invalid configuration: DATABASE_REPLICA_URLS="postgres://a:***@r1/fd,mysql://b:***@r2/fd" entry mysql://b:***@r2/fd must be a postgres:// or postgresql:// URL',
    );
    expect(lineFor({ REPLICA_MAX_LAG_S: '0' })).toBe('Invalid configuration: REPLICA_MAX_LAG_S="0" must be a number > 0');
  });

  it('treats empty values as unset', () => {
    expect(parseEnv({ DB_POOL_MAX: '', LOG_LEVEL: '' })).toMatchObject({ DB_POOL_MAX: 10, LOG_LEVEL: 'info' });
    expect(parseEnv({})).toMatchObject({ EVENT_RETENTION_DAYS: 180, HTTP_KEEP_ALIVE_TIMEOUT_S: 65 });
  });
});

describe('assertProductionConfig', () => {
  const secret = 'x'.repeat(40);
  it.each([
    [{ NODE_ENV: 'production', APP_URL: 'https://fd.example.com' }, /^Invalid configuration: BETTER_AUTH_SECRET is required in production/],
    [{ NODE_ENV: 'production', BETTER_AUTH_SECRET: secret }, /^Invalid configuration: APP_URL is required in production/],
    [{ FLIGHTDECK_ADMIN_EMAIL: 'ops@example.com' }, /FLIGHTDECK_ADMIN_PASSWORD is required when FLIGHTDECK_ADMIN_EMAIL is set/],
  ])('%o is refused', (source, line) => {
    expect(lineFor(source, 'production')).toMatch(line);
  });

  it.each([
    { NODE_ENV: 'production', BETTER_AUTH_SECRET: secret, APP_URL: 'https://fd.example.com' },
    { NODE_ENV: 'production', FLIGHTDECK_DEMO: '1' },
    { NODE_ENV: 'development' },
  ])('%o starts', (source) => {
    expect(() => assertProductionConfig(parseEnv(source))).not.toThrow();
  });
});
