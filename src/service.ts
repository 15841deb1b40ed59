import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { loadKnowledgeBase, type KnowledgeBase } from './classify/index.js';
import { defaultRepoSettings } from './config/repo-config.js';
import { secretsOf, type AppConfig } from './config/env.js';
import { createRepoSettingsCache, type RepoSettingsCache } from './config/repo-settings-cache.js';
import { dashboardForService } from './dashboard/index.js';
import { createDryRunTracker } from './github/dry-run-tracker.js';
import type { IssueTracker } from './github/issue-tracker.js';
import { createOctokitIssueTracker } from './github/octokit-issue-tracker.js';
import { createLogger, type Logger } from './log.js';
import { openQueue } from './queue/index.js';
import type { JobQueue } from './queue/job-queue.js';
import { buildApp } from './server/build-app.js';
import { createMetrics, metricsRoute, startMetricsServer, type Metrics } from './server/metrics.js';
import { followIssueChanges, loadSimilarIndex, saveSimilarIndex, type IssueChangeFollower, type SimilarIssueIndex } from './similar/index.js';
import { openStore } from './store/index.js';
import type { Store } from './store/store.js';
import { assessIssue } from './triage/assess-issue.js';
import type { IssueEventJob } from './triage/events.js';
import type { TriageDeps } from './triage/handle-issue-event.js';
import { createIssueEventHandler } from './triage/job-handler.js';
import { loadReplyTemplate } from './triage/load-reply-template.js';
import { createModelKeeper, withStoredModel } from './training/index.js';

export type ServiceRole = 'web' | 'worker' | 'all';

/** How soon a worker's similar-issue index learns of issues other processes wrote to the store. */
const defaultSimilarFollowMs = 2_000;

export interface Service {
  app: FastifyInstance | null;
  store: Store;
  queue: JobQueue;
  logger: Logger;
  metrics: Metrics;
  repoSettings: RepoSettingsCache;
  /** The knowledge base in use now; swapped by a retrain without a restart. */
  knowledge(): KnowledgeBase;
  url: string | null;
  /** Stops intake, lets running jobs finish, closes the store. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  role: ServiceRole;
  logger?: Logger;
  /** Overrides for tests: listen on this port (0 = any free port). */
  port?: number;
  now?: () => Date;
  /** GitHub client tuning (tests shorten the first retry wait). */
  github?: { retryBaseMs?: number };
  /** How often a worker reads issue changes other processes made (default 2 s; tests shorten it). */
  similarFollowMs?: number;
}

function snapshotOf(job: IssueEventJob) {
  return {
    number: job.issue.number,
    title: job.issue.title,
    body: job.issue.body,
    state: job.issue.state,
    labels: job.issue.labels,
    authorLogin: job.issue.authorLogin,
    isPullRequest: false,
    htmlUrl: job.issue.htmlUrl,
    createdAt: job.issue.createdAt,
    updatedAt: job.issue.updatedAt,
  };
}

const warmUpIssue = { title: 'Warm-up: URLSession request fails', body: 'An NWConnection to the server fails on iOS.' };

/** The first classification fills lazy caches (about 0.1 s): pay for it at start, not on the first delivery. */
function warmUp(knowledge: KnowledgeBase): KnowledgeBase {
  assessIssue({ kb: knowledge, issue: { ...warmUpIssue, labels: [] }, similar: [], settings: defaultRepoSettings });
  return knowledge;
}

/** The composition root: every adapter is created here and nowhere else. */
export async function startService(config: AppConfig, options: ServiceOptions): Promise<Service> {
  const started = performance.now();
  const logger = options.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const now = options.now ?? (() => new Date());

  let kb = loadKnowledgeBase(config.kbDir);
  const replyTemplate = loadReplyTemplate(config.templatesDir);
  const store = await openStore(config);
  // A retrained or rolled-back version in the store wins over the committed model file.
  kb = warmUp(await withStoredModel(store, kb));
  const queue = await openQueue(config, logger.child({ component: 'queue' }));
  const metrics = createMetrics(queue);

  const github: IssueTracker | null =
    config.github.auth.kind === 'none'
      ? null
      : createOctokitIssueTracker({
          apiUrl: config.github.apiUrl,
          auth: config.github.auth,
          logger: logger.child({ component: 'github' }),
          writeSpacingMs: config.githubWriteIntervalMs,
          notifyingWriteSpacingMs: config.githubWriteIntervalMs * 3,
          ...options.github,
          onRequest: (info) => {
            metrics.githubCalls.inc({ method: info.method, route: info.route, status: String(info.status) });
            metrics.githubCallDuration.observe({ method: info.method }, info.ms / 1000);
          },
          onRateLimitWait: (seconds) => {
            metrics.rateLimitWaits.inc();
            metrics.rateLimitWaitSeconds.inc(seconds);
          },
        });
  if (config.dryRun) {
    logger.warn(
      { dryRun: true, credentials: github ? 'read-only use' : 'none' },
      'DRY-RUN MODE: issues are received, classified and recorded; nothing is written to GitHub (replies and labels are only logged)',
    );
    if (!config.webhookSecret) logger.warn('WEBHOOK_SECRET is not set: webhook signatures are not checked (dry-run only)');
  }

  const repoSettings = createRepoSettingsCache({ knownTopics: () => kb.topics.map((topic) => topic.slug), store, logger });
  const models = createModelKeeper({
    store,
    knowledge: () => kb,
    setKnowledge: (next) => {
      kb = warmUp(next);
    },
    corpusFiles: config.trainingFiles,
    retrainAfter: config.retrainAfter,
    now,
    logger: logger.child({ component: 'training' }),
  });
  const stopModelWatch = models.watch();
  const similarSnapshotFile = path.join(config.dataDir, 'similar-index.snapshot');

  let app: FastifyInstance | null = null;
  let url: string | null = null;
  let similar: { index: SimilarIssueIndex; follower: IssueChangeFollower } | null = null;
  if (options.role !== 'web') {
    const indexStarted = performance.now();
    const loaded = await loadSimilarIndex(store, similarSnapshotFile, logger);
    logger.info({ issues: loaded.index.size, source: loaded.source, ms: Math.round(performance.now() - indexStarted) }, 'similar-issue index ready');
    // Each worker process holds its own index and updates it for the events it handles; what
    // other workers (PostgreSQL) or a backfill write to the shared store reaches it by following.
    similar = {
      index: loaded.index,
      follower: followIssueChanges({ store, index: loaded.index, cursor: loaded.changeCursor, intervalMs: options.similarFollowMs ?? defaultSimilarFollowMs, logger }),
    };
    const triageDeps: TriageDeps = {
      trackerFor: (job) => (config.dryRun || !github ? createDryRunTracker({ reader: github, snapshot: snapshotOf(job), logger }) : github),
      store,
      knowledge: () => kb,
      similar: loaded.index,
      replyTemplate,
      repoSettings: (repo, tracker) => repoSettings.get(repo, tracker),
      dryRun: config.dryRun,
      now,
      logger,
    };
    const handler = createIssueEventHandler(triageDeps, (outcome, job) => {
      metrics.jobs.inc({ outcome: outcome.outcome });
      if (outcome.outcome === 'triaged') {
        const timings = outcome.decision.timings;
        if (timings.classifyMs !== undefined) metrics.classification.observe(timings.classifyMs / 1000);
        if (timings.deliveryToDoneMs !== undefined) metrics.deliveryToReply.observe(timings.deliveryToDoneMs / 1000);
      }
      logger.debug({ jobId: job.id, outcome: outcome.outcome }, 'job done');
    });
    queue.start(async (job) => {
      const jobStarted = performance.now();
      try {
        await handler(job);
        metrics.jobDuration.observe({ outcome: 'done' }, (performance.now() - jobStarted) / 1000);
      } catch (error) {
        metrics.jobs.inc({ outcome: 'error' });
        metrics.jobDuration.observe({ outcome: 'error' }, (performance.now() - jobStarted) / 1000);
        logger.warn({ jobId: job.id, attempt: job.attempt, err: error, code: (error as { code?: string }).code }, 'job failed');
        throw error;
      }
    }, { concurrency: config.workerConcurrency, leaseMs: config.jobLeaseMs });
  }
  if (options.role !== 'worker') {
    app = await buildApp({
      webhookSecret: config.webhookSecret,
      store,
      queue,
      logger,
      now,
      modelLoaded: () => kb.model !== undefined,
      onDelivery: (outcome) => metrics.deliveries.inc({ outcome }),
      plugins: [metricsRoute(metrics), dashboardForService({ config, store, queue, github, knowledge: () => kb, repoSettings, models, now, logger })],
    });
    url = await app.listen({ port: options.port ?? config.port, host: config.host });
  }
  const metricsServer = options.role === 'worker' && config.metricsPort !== null ? await startMetricsServer(metrics, config.metricsPort, config.host) : null;
  if (metricsServer) logger.info({ url: metricsServer.url }, 'worker metrics at /metrics');
  logger.info(
    { role: options.role, url, store: store.kind, kb: kb.name, modelVersion: kb.model.version, topics: kb.topics.length, startupMs: Math.round(performance.now() - started) },
    'supportbot started',
  );

  let stopping: Promise<void> | null = null;
  return {
    app,
    store,
    queue,
    logger,
    metrics,
    repoSettings,
    url,
    knowledge: () => kb,
    stop() {
      stopping ??= (async () => {
        stopModelWatch();
        await app?.close();
        await metricsServer?.close();
        await queue.close();
        if (similar) {
          const { index, follower } = similar;
          await follower.stop();
          await saveSimilarIndex(index, store, similarSnapshotFile, () => follower.catchUp()).catch((error: unknown) =>
            logger.warn({ err: error }, 'could not save the similar-issue snapshot'),
          );
        }
        await store.close();
      })();
      return stopping;
    },
  };
}
