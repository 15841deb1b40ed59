import type { IssueTracker, RepoRef } from '../github/issue-tracker.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { parseRepoConfig, repoConfigPath, type RepoConfigResult } from './repo-config.js';

/** Store setting written when a push changes a repository's config, so every process re-reads it. */
export function repoConfigChangedKey(repoFullName: string): string {
  return `repo-config-changed:${repoFullName}`;
}

/** Store setting holding every repository's current config errors, shared by all processes. */
export const repoConfigErrorsKey = 'repo-config-errors';

export interface RepoSettingsCache {
  get(repo: RepoRef, tracker: IssueTracker): Promise<RepoConfigResult>;
  /** The current config errors by repository, as any process last read them, for the dashboard. */
  errors(): Promise<Map<string, string[]>>;
}

/**
 * Per-repository settings, read through the GitHub API and cached for a while. One instance per
 * process, created by the composition root (never a module-level cache).
 */
export function createRepoSettingsCache(options: {
  knownTopics: () => string[];
  store: Pick<Store, 'getSetting' | 'setSetting'>;
  ttlMs?: number;
  now?: () => number;
  logger: Logger;
}): RepoSettingsCache {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { result: RepoConfigResult; fetchedAt: number }>();

  const sharedErrors = async (): Promise<Record<string, string[]>> => {
    const text = await options.store.getSetting(repoConfigErrorsKey);
    return text ? (JSON.parse(text) as Record<string, string[]>) : {};
  };
  // The web process that shows the dashboard may never read a repository's config itself.
  const publish = async (repo: string, repoErrors: string[] | null): Promise<void> => {
    const all = await sharedErrors();
    if (JSON.stringify(all[repo] ?? null) === JSON.stringify(repoErrors)) return;
    if (repoErrors) all[repo] = repoErrors;
    else delete all[repo];
    await options.store.setSetting(repoConfigErrorsKey, JSON.stringify(all));
  };

  return {
    async get(repo, tracker) {
      const key = `${repo.owner}/${repo.repo}`;
      const cached = entries.get(key);
      if (cached && now() - cached.fetchedAt < ttlMs) {
        const changedAt = await options.store.getSetting(repoConfigChangedKey(key));
        if (!changedAt || Date.parse(changedAt) < cached.fetchedAt) return cached.result;
      }
      const text = await tracker.readRepoFile(repo, repoConfigPath);
      const result = parseRepoConfig(text, options.knownTopics());
      // Logged once per new set of errors, not at every re-read of the same broken file.
      const previousErrors = cached && !cached.result.ok ? cached.result.errors : undefined;
      if (!result.ok && JSON.stringify(previousErrors) !== JSON.stringify(result.errors)) {
        options.logger.warn({ code: 'REPO_CONFIG_INVALID', repo: key, errors: result.errors }, `${repoConfigPath} is invalid: the bot runs in shadow mode there`);
      }
      await publish(key, result.ok ? null : result.errors);
      entries.set(key, { result, fetchedAt: now() });
      return result;
    },
    errors: async () => new Map(Object.entries(await sharedErrors())),
  };
}
