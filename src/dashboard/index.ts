/** The maintainer dashboard: the folder's public entry, for the composition root. */
import type { FastifyInstance } from 'fastify';
import type { KnowledgeBase } from '../classify/index.js';
import type { AppConfig } from '../config/env.js';
import type { RepoSettingsCache } from '../config/repo-settings-cache.js';
import type { IssueTracker } from '../github/issue-tracker.js';
import type { Logger } from '../log.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { Store } from '../store/store.js';
import { parseIssueEventJob } from '../triage/events.js';
import { dashboardAccess } from './access.js';
import { dashboardPlugin, type ModelActions } from './plugin.js';

export { dashboardPlugin, dashboardPrefix, contentSecurityPolicy, type DashboardDeps, type DashboardOptions, type ModelActions } from './plugin.js';
export { dashboardAccess, type DashboardAccess } from './access.js';
export { computeQuality, type QualityReport } from './quality.js';

/** The installation that delivered an issue's event, read back from its job in the queue. */
export function installationFromQueue(queue: JobQueue): (deliveryId: string) => Promise<number | undefined> {
  return async (deliveryId) => {
    const [job] = await queue.listJobs({ id: deliveryId });
    return (job ? parseIssueEventJob(job.payload)?.installationId : undefined) ?? undefined;
  };
}

export function dashboardForService(parts: {
  config: AppConfig;
  store: Store;
  queue: JobQueue;
  /** The GitHub tracker; the dashboard writes nothing to GitHub in dry-run. */
  github: IssueTracker | null;
  knowledge(): KnowledgeBase;
  repoSettings: RepoSettingsCache;
  models: ModelActions;
  now(): Date;
  logger: Logger;
}): (app: FastifyInstance) => Promise<void> {
  const { config, repoSettings } = parts;
  const logger = parts.logger.child({ component: 'dashboard' });
  return dashboardPlugin({
    deps: {
      store: parts.store,
      queue: parts.queue,
      tracker: config.dryRun ? null : parts.github,
      knowledge: parts.knowledge,
      repoSettings: (repo, tracker) => repoSettings.get(repo, tracker),
      repoConfigErrors: () => repoSettings.errors(),
      installationIdOf: installationFromQueue(parts.queue),
      models: parts.models,
      now: parts.now,
      logger,
    },
    access: dashboardAccess(config, logger),
    templatesDir: config.templatesDir,
  });
}
