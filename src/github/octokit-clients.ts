import { performance } from 'node:perf_hooks';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { GithubAuth } from '../config/env.js';
import type { Logger } from '../log.js';
import type { RepoRef } from './issue-tracker.js';
import { toSbError } from './github-error.js';
import { createSpacingGroup } from './write-spacing.js';

export interface RequestInfo {
  method: string;
  /** The route template (`/repos/{owner}/{repo}/issues/{issue_number}`), never the expanded URL. */
  route: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  ms: number;
}

export interface GithubClientOptions {
  apiUrl: string;
  auth: GithubAuth;
  /** Used as given: tag it (e.g. `child({ component: 'github' })`) before passing it in. */
  logger: Logger;
  userAgent?: string;
  /** Retries of a 5xx or network failure inside one call (plugin-retry). Default 3. */
  retries?: number;
  /** First retry waits this long, then 4x, 9x… (plugin-retry's quadratic backoff). Default 1000. */
  retryBaseMs?: number;
  /** How many rate-limit waits one call may sit through before it fails as retryable. Default 3. */
  maxRateLimitWaits?: number;
  /** A longer wait than this is not slept through here; the error carries it for the job queue. Default 60. */
  maxRateLimitWaitSeconds?: number;
  /** Spacing between write requests (GitHub asks for about one a second). Default 1000. */
  writeSpacingMs?: number;
  /** Spacing between requests that notify people, such as comments. Default 3000. */
  notifyingWriteSpacingMs?: number;
  /** Installations whose clients are kept; the least recently used is dropped beyond this. Default 100. */
  maxCachedInstallations?: number;
  onRequest?: (info: RequestInfo) => void;
  onRateLimitWait?: (seconds: number) => void;
}

export type GithubClient = Octokit;

export interface GithubClients {
  /** The client to use for this repository: its installation's under App auth, else the one client. */
  forRepo(repo: RepoRef): Promise<GithubClient>;
}

/** A Map that forgets its least recently used entry beyond `limit`. */
class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as K);
  }
}

function routeOf(url: string): string {
  // Page links arrive as absolute URLs; report their path only.
  if (/^https?:\/\//.test(url)) return new URL(url).pathname;
  return url.split('?')[0] ?? url;
}

/** Octokit reports every failed response (expected 404s included) at error level; we report failures ourselves. */
function octokitLog(logger: Logger) {
  return {
    debug: (message: string, info?: object) => logger.trace(info ?? {}, message),
    info: (message: string, info?: object) => logger.trace(info ?? {}, message),
    warn: (message: string, info?: object) => logger.warn(info ?? {}, message),
    error: (message: string, info?: object) => logger.debug(info ?? {}, message),
  };
}

export function createGithubClients(options: GithubClientOptions): GithubClients {
  const logger = options.logger;
  const maxWaits = options.maxRateLimitWaits ?? 3;
  const maxWaitSeconds = options.maxRateLimitWaitSeconds ?? 60;
  const writeLane = createSpacingGroup(options.writeSpacingMs ?? 1000);
  const notifyingLane = createSpacingGroup(options.notifyingWriteSpacingMs ?? 3000);

  const onLimit = (kind: 'primary' | 'secondary') => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const context = { kind, method: request.method, route: routeOf(request.url), retryAfterSeconds: retryAfter, waitsSoFar: retryCount };
    if (retryCount >= maxWaits || retryAfter > maxWaitSeconds) {
      logger.warn(context, 'GitHub rate limit: not waiting, failing the call as retryable');
      return false;
    }
    logger.warn(context, 'GitHub rate limit: waiting before retrying');
    options.onRateLimitWait?.(retryAfter);
    return true;
  };

  // Registered before retry and throttling, so it sits innermost and sees every attempt.
  const reportRequests = (octokit: Pick<Octokit, 'hook'>) => {
    octokit.hook.wrap('request', async (request, endpoint) => {
      const started = performance.now();
      const report = (status: number) => {
        const info = { method: endpoint.method, route: routeOf(endpoint.url), status, ms: Math.round(performance.now() - started) };
        logger.debug(info, 'GitHub request');
        options.onRequest?.(info);
      };
      try {
        const response = await request(endpoint);
        report(response.status);
        return response;
      } catch (error) {
        const status = (error as { status?: unknown; response?: unknown }).response ? Number((error as { status?: unknown }).status) : 0;
        report(status);
        throw error;
      }
    });
  };
  const GithubClient = Octokit.plugin(reportRequests, retry, throttling);

  const common = {
    baseUrl: options.apiUrl,
    userAgent: options.userAgent ?? 'supportbot',
    log: octokitLog(logger),
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: options.retryBaseMs ?? 1000,
      // Rate limits (403/429) are plugin-throttling's to wait out; the rest cannot succeed on a retry.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      write: writeLane,
      notifications: notifyingLane,
    },
  };

  const auth = options.auth;
  if (auth.kind !== 'app') {
    const client = new GithubClient({ ...common, ...(auth.kind === 'token' ? { auth: auth.token } : {}) });
    return { forRepo: async () => client };
  }

  const appCredentials = { appId: auth.appId, privateKey: auth.privateKey };
  const appClient = new GithubClient({ ...common, authStrategy: createAppAuth, auth: appCredentials });
  const limit = options.maxCachedInstallations ?? 100;
  const installationClients = new BoundedCache<number, GithubClient>(limit);
  const installationOfRepo = new BoundedCache<string, number>(limit * 10);

  async function installationIdFor(repo: RepoRef): Promise<number> {
    if (repo.installationId !== undefined) return repo.installationId;
    const key = `${repo.owner}/${repo.repo}`.toLowerCase();
    const known = installationOfRepo.get(key);
    if (known !== undefined) return known;
    try {
      const { data } = await appClient.rest.apps.getRepoInstallation({ owner: repo.owner, repo: repo.repo });
      installationOfRepo.set(key, data.id);
      return data.id;
    } catch (error) {
      throw toSbError(error, `find the App installation for ${key}`);
    }
  }

  return {
    async forRepo(repo) {
      const installationId = await installationIdFor(repo);
      let client = installationClients.get(installationId);
      if (!client) {
        // auth-app requests and caches the installation token itself, renewing it before expiry.
        client = new GithubClient({ ...common, authStrategy: createAppAuth, auth: { ...appCredentials, installationId } });
        installationClients.set(installationId, client);
      }
      return client;
    },
  };
}
