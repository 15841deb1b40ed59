import path from 'node:path';
import { z } from 'zod';

/**
 * Reads and validates the environment once, at start. Pure: pass any env object to test it.
 * Secrets come only from here and are never logged (see src/log.ts redaction).
 */
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be 0-65535')
  .max(65535, 'must be 0-65535');

const envSchema = z.object({
  PORT: port.default(3000),
  METRICS_PORT: port.optional(),
  HOST: optionalString,
  WEBHOOK_SECRET: optionalString,
  GITHUB_TOKEN: optionalString,
  GITHUB_APP_ID: optionalString.pipe(z.string().regex(/^\d+$/, 'must be the numeric App ID').optional()),
  GITHUB_PRIVATE_KEY: optionalString,
  GITHUB_CLIENT_ID: optionalString,
  GITHUB_CLIENT_SECRET: optionalString,
  GITHUB_API_URL: z.url({ error: 'must be an http(s) URL such as https://api.github.com' }).default('https://api.github.com'),
  DATA_DIR: z.string().default('data'),
  DATABASE_URL: optionalString.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional()),
  KB_DIR: z.string().default('classifiers/networking'),
  TEMPLATES_DIR: z.string().default('templates'),
  LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }).default('info'),
  DASHBOARD_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  PUBLIC_URL: optionalString.pipe(z.url({ error: 'must be a URL' }).optional()),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1, 'must be at least 1').max(64, 'must be at most 64').default(4),
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  JOB_LEASE_SECONDS: z.coerce.number().int().min(1, 'must be at least 1').max(3600, 'must be at most 3600').default(300),
  GITHUB_WRITE_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  RETRAIN_AFTER: z.coerce.number().int().min(0, 'must be 0 (off) or more').default(0),
  TRAINING_FILES: optionalString,
  SHARED_DIR: optionalString,
  DRY_RUN: optionalString.pipe(z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).optional()),
});

export type GithubAuth =
  | { kind: 'none' }
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: number; privateKey: string };

export interface AppConfig {
  port: number;
  /** Worker processes serve /metrics and /healthz here (they have no other HTTP); null: none. */
  metricsPort: number | null;
  host: string;
  webhookSecret: string | null;
  github: { apiUrl: string; auth: GithubAuth; clientId: string | null; clientSecret: string | null };
  dryRun: boolean;
  dataDir: string;
  databaseUrl: string | null;
  kbDir: string;
  templatesDir: string;
  logLevel: (typeof logLevels)[number];
  dashboardToken: string | null;
  sessionSecret: string | null;
  publicUrl: string | null;
  workerConcurrency: number;
  jobMaxAttempts: number;
  /** How long a worker holds a job before another may take it (a dead worker's job comes back after this). */
  jobLeaseMs: number;
  /** Spacing between GitHub writes; comments, which notify people, wait three times as long. */
  githubWriteIntervalMs: number;
  retrainAfter: number;
  /** Labelled JSONL corpus that retraining adds maintainers' corrections to. */
  trainingFiles: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** GitHub shows private keys with real newlines; many env files carry them as `\n`. */
function normalizePrivateKey(key: string): string {
  return key.includes('\\n') ? key.replace(/\\n/g, '\n') : key;
}

/**
 * `receivesWebhooks: false` is for commands that only call GitHub (backfill): they need
 * credentials, not the webhook's secret, so a maintainer can try the bot before setting up a webhook.
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd(), options: { receivesWebhooks?: boolean } = {}): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const values = parsed.data;
  const problems: string[] = [];

  let auth: GithubAuth = { kind: 'none' };
  if (values.GITHUB_APP_ID || values.GITHUB_PRIVATE_KEY) {
    if (!values.GITHUB_APP_ID) problems.push('GITHUB_APP_ID: required when GITHUB_PRIVATE_KEY is set');
    else if (!values.GITHUB_PRIVATE_KEY) problems.push('GITHUB_PRIVATE_KEY: required when GITHUB_APP_ID is set');
    else if (!values.GITHUB_PRIVATE_KEY.includes('PRIVATE KEY')) {
      problems.push('GITHUB_PRIVATE_KEY: must be the PEM text of the App private key (-----BEGIN ... PRIVATE KEY-----)');
    } else auth = { kind: 'app', appId: Number(values.GITHUB_APP_ID), privateKey: normalizePrivateKey(values.GITHUB_PRIVATE_KEY) };
    if (values.GITHUB_TOKEN) problems.push('GITHUB_TOKEN: set either GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_PRIVATE_KEY, not both');
  } else if (values.GITHUB_TOKEN) {
    auth = { kind: 'token', token: values.GITHUB_TOKEN };
  }

  const explicitDryRun = values.DRY_RUN === 'true' || values.DRY_RUN === '1';
  const dryRun = explicitDryRun || auth.kind === 'none';
  if (!dryRun && !values.WEBHOOK_SECRET && options.receivesWebhooks !== false) {
    problems.push('WEBHOOK_SECRET: required when GitHub credentials are set (the secret configured on the webhook)');
  }
  if (values.GITHUB_CLIENT_ID && !values.GITHUB_CLIENT_SECRET) problems.push('GITHUB_CLIENT_SECRET: required when GITHUB_CLIENT_ID is set');
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    port: values.PORT,
    metricsPort: values.METRICS_PORT ?? null,
    // Dry-run with no dashboard token has an open dashboard: keep it on loopback.
    host: values.HOST ?? (dryRun && !values.DASHBOARD_TOKEN ? '127.0.0.1' : '0.0.0.0'),
    webhookSecret: values.WEBHOOK_SECRET ?? null,
    github: Object.freeze({
      apiUrl: values.GITHUB_API_URL.replace(/\/+$/, ''),
      auth: Object.freeze(auth),
      clientId: values.GITHUB_CLIENT_ID ?? null,
      clientSecret: values.GITHUB_CLIENT_SECRET ?? null,
    }),
    dryRun,
    dataDir: path.resolve(cwd, values.DATA_DIR),
    databaseUrl: values.DATABASE_URL ?? null,
    kbDir: path.resolve(cwd, values.KB_DIR),
    templatesDir: path.resolve(cwd, values.TEMPLATES_DIR),
    logLevel: values.LOG_LEVEL,
    dashboardToken: values.DASHBOARD_TOKEN ?? null,
    sessionSecret: values.SESSION_SECRET ?? null,
    publicUrl: values.PUBLIC_URL ?? null,
    workerConcurrency: values.WORKER_CONCURRENCY,
    jobMaxAttempts: values.JOB_MAX_ATTEMPTS,
    jobLeaseMs: values.JOB_LEASE_SECONDS * 1000,
    githubWriteIntervalMs: values.GITHUB_WRITE_INTERVAL_MS,
    retrainAfter: values.RETRAIN_AFTER,
    trainingFiles: Object.freeze(trainingFilesOf(values.TRAINING_FILES, values.SHARED_DIR, cwd)) as string[],
  });
}

/** TRAINING_FILES (comma-separated), else the shared corpus beside the checkout (SHARED_DIR or ../shared). */
function trainingFilesOf(list: string | undefined, sharedDir: string | undefined, cwd: string): string[] {
  if (list) return list.split(',').map((file) => file.trim()).filter((file) => file !== '').map((file) => path.resolve(cwd, file));
  const shared = path.resolve(cwd, sharedDir ?? path.join('..', 'shared'));
  return [path.join(shared, 'corpus', 'questions.jsonl'), path.join(shared, 'corpus', 'github-issues.jsonl')];
}

/** The values that must never reach a log line, for the logger's scrubber. */
export function secretsOf(config: AppConfig): string[] {
  const secrets = [config.webhookSecret, config.dashboardToken, config.sessionSecret, config.github.clientSecret];
  if (config.github.auth.kind === 'token') secrets.push(config.github.auth.token);
  if (config.github.auth.kind === 'app') secrets.push(config.github.auth.privateKey);
  if (config.databaseUrl) {
    const password = safePassword(config.databaseUrl);
    if (password) secrets.push(password);
  }
  return secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length >= 4);
}

function safePassword(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url).password) || null;
  } catch {
    return null;
  }
}
