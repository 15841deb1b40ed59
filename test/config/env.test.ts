import { describe, expect, it } from 'vitest';
import { ConfigError, readEnv, secretsOf } from '../../src/config/env.js';

const pem = '-----BEGIN RSA PRIVATE KEY-----\\nMIIEfake\\n-----END RSA PRIVATE KEY-----';

function problems(env: Record<string, string>): string[] {
  try {
    readEnv(env, '/srv');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('readEnv', () => {
  it('runs in dry-run on loopback with no credentials, with defaults', () => {
    const config = readEnv({}, '/srv');
    expect(config.dryRun).toBe(true);
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(3000);
    expect(config.github.apiUrl).toBe('https://api.github.com');
    expect(config.dataDir).toBe('/srv/data');
    expect(config.kbDir).toBe('/srv/classifiers/networking');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('uses a token for one repository, and then requires the webhook secret', () => {
    expect(problems({ GITHUB_TOKEN: 'ghp_example' })).toEqual([expect.stringMatching(/^WEBHOOK_SECRET: required/)]);
    const config = readEnv({ GITHUB_TOKEN: 'ghp_example', WEBHOOK_SECRET: 'shh-secret' });
    expect(config.dryRun).toBe(false);
    expect(config.github.auth).toEqual({ kind: 'token', token: 'ghp_example' });
  });

  it('asks no webhook secret of a command that receives no webhooks, such as backfill', () => {
    const config = readEnv({ GITHUB_TOKEN: 'ghp_example' }, '/srv', { receivesWebhooks: false });
    expect(config.github.auth).toEqual({ kind: 'token', token: 'ghp_example' });
    expect(config.webhookSecret).toBeNull();
  });

  it('reads a GitHub App key with escaped newlines', () => {
    const config = readEnv({ GITHUB_APP_ID: '123', GITHUB_PRIVATE_KEY: pem, WEBHOOK_SECRET: 'shh-secret' });
    expect(config.github.auth.kind).toBe('app');
    if (config.github.auth.kind === 'app') expect(config.github.auth.privateKey).toContain('\nMIIEfake\n');
  });

  it('gives one clear message per bad value', () => {
    const found = problems({ PORT: 'eighty', LOG_LEVEL: 'loud', GITHUB_API_URL: 'not a url', GITHUB_APP_ID: 'abc' });
    expect(found.some((p) => p.startsWith('PORT:'))).toBe(true);
    expect(found.some((p) => p.startsWith('LOG_LEVEL: must be one of'))).toBe(true);
    expect(found.some((p) => p.startsWith('GITHUB_API_URL:'))).toBe(true);
    expect(found.some((p) => p.startsWith('GITHUB_APP_ID:'))).toBe(true);
  });

  it('refuses a token and an App at once, and an App id without its key', () => {
    expect(problems({ GITHUB_APP_ID: '1', WEBHOOK_SECRET: 'x' })).toEqual(['GITHUB_PRIVATE_KEY: required when GITHUB_APP_ID is set']);
    expect(problems({ GITHUB_APP_ID: '1', GITHUB_PRIVATE_KEY: pem, GITHUB_TOKEN: 't', WEBHOOK_SECRET: 'x' })).toEqual([
      'GITHUB_TOKEN: set either GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_PRIVATE_KEY, not both',
    ]);
  });

  it('lists every secret for the log scrubber, including a database password', () => {
    const config = readEnv({ GITHUB_TOKEN: 'ghp_example', WEBHOOK_SECRET: 'shh-secret', DATABASE_URL: 'postgres://bot:p%40ss-word@db/bot' });
    expect(secretsOf(config).sort()).toEqual(['ghp_example', 'p@ss-word', 'shh-secret']);
  });
});
