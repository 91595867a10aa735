import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';

describe('Slack configuration', () => {
  it('PUBLIC_URL is an alias of APP_URL: either one sets it, two different values stop start-up', () => {
    expect(parseEnv({ PUBLIC_URL: 'https://fd.example.com' }).APP_URL).toBe('https://fd.example.com');
    expect(parseEnv({ APP_URL: 'https://fd.example.com', PUBLIC_URL: 'https://fd.example.com/' }).APP_URL).toBe('https://fd.example.com');
    expect(() => parseEnv({ APP_URL: 'https://a.example.com', PUBLIC_URL: 'https://b.example.com' })).toThrow(
      'Invalid configuration: PUBLIC_URL="https://b.example.com" must equal APP_URL (it is an alias); set only one',
    );
  });

  it('a malformed Slack setting names itself, never the secret', () => {
    expect(() => parseEnv({ SLACK_WEBHOOK_URL: 'hooks.slack.com/x' })).toThrow('SLACK_WEBHOOK_URL="hooks.slack.com/x" must be an http:// or https:// URL');
    expect(() => parseEnv({ SLACK_SIGNING_SECRET: 'short' })).toThrow(/^Invalid configuration: SLACK_SIGNING_SECRET must be at least 8 characters$/);
  });
});
