import { performance } from 'node:perf_hooks';
import type { KnowledgeBase } from '../classify/index.js';
import type { RepoConfigResult } from '../config/repo-config.js';
import type { IssueTracker, RepoRef } from '../github/issue-tracker.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { currentTopicOf, likelyAnswered, type DecisionRecord, type SimilarIssueRef, type StoredIssue, type TriageMode } from '../store/types.js';
import { assessIssue } from './assess-issue.js';
import type { IssueEventJob } from './events.js';
import { topicOfLabel } from './decide.js';
import { postReplyOnce } from './post-reply-once.js';
import { renderReply, type ReplyTemplate } from './render-reply.js';

/** The part of the similar-issue index the use case needs. */
export interface SimilarIssues {
  upsert(issue: StoredIssue): void;
  remove(repo: string, issueNumber: number): void;
  query(repo: string, text: { title: string; body: string }, options: { excludeNumber?: number; includePrivate: boolean; limit?: number }): SimilarIssueRef[];
}

export interface TriageDeps {
  /** The tracker to use for this job: GitHub, or a dry-run adapter that only logs writes. */
  trackerFor(job: IssueEventJob): IssueTracker;
  store: Store;
  /** The current knowledge base; a retrain swaps it without a restart. */
  knowledge(): KnowledgeBase;
  similar: SimilarIssues | null;
  replyTemplate: ReplyTemplate;
  repoSettings(repo: RepoRef, tracker: IssueTracker): Promise<RepoConfigResult>;
  dryRun: boolean;
  now(): Date;
  logger: Logger;
}

export type EventOutcome =
  | { outcome: 'triaged'; decision: DecisionRecord; replied: boolean }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'indexed' }
  | { outcome: 'correction'; fromTopic: string | null; toTopic: string | null };

function repoRefOf(job: IssueEventJob): RepoRef {
  return { owner: job.repo.owner, repo: job.repo.name, installationId: job.installationId ?? undefined };
}

function storedIssueOf(job: IssueEventJob): StoredIssue {
  return {
    repo: job.repo.fullName,
    number: job.issue.number,
    title: job.issue.title,
    body: job.issue.body,
    state: job.issue.state,
    answered: likelyAnswered(job.issue.state, job.issue.stateReason, job.issue.comments),
    isPrivate: job.repo.private,
    url: job.issue.htmlUrl,
    updatedAt: job.issue.updatedAt,
  };
}

/** One webhook event, handled: the worker's whole job. */
export async function handleIssueEvent(deps: TriageDeps, job: IssueEventJob): Promise<EventOutcome> {
  const log = deps.logger.child({ deliveryId: job.deliveryId, repo: job.repo.fullName, issue: job.issue.number, action: job.action });
  switch (job.action) {
    case 'deleted':
    case 'transferred':
      await deps.store.deleteIssue(job.repo.fullName, job.issue.number);
      deps.similar?.remove(job.repo.fullName, job.issue.number);
      return { outcome: 'indexed' };
    case 'closed':
      await updateIndex(deps, job);
      return { outcome: 'indexed' };
    case 'labeled':
    case 'unlabeled':
      return recordCorrection(deps, job, log);
    case 'opened':
    case 'reopened':
    case 'edited':
      await updateIndex(deps, job);
      return triageIssue(deps, job, log);
  }
}

async function updateIndex(deps: TriageDeps, job: IssueEventJob): Promise<void> {
  const issue = storedIssueOf(job);
  await deps.store.upsertIssue(issue);
  deps.similar?.upsert(issue);
}

async function triageIssue(deps: TriageDeps, job: IssueEventJob, log: Logger): Promise<EventOutcome> {
  const started = performance.now();
  const existing = await deps.store.getDecisionForIssue(job.repo.fullName, job.issue.number);
  if (existing?.replyState === 'posted') return skipped(log, 'the bot already replied on this issue');
  if (job.action === 'reopened' && existing) return skipped(log, 'already triaged before it was closed');

  const tracker = deps.trackerFor(job);
  const repoRef = repoRefOf(job);
  const config = await deps.repoSettings(repoRef, tracker);
  if (!config.ok) log.warn({ code: 'REPO_CONFIG_INVALID', errors: config.errors }, 'repository config is invalid: running in shadow mode');
  const settings = config.settings;
  if (settings.mode === 'off') return skipped(log, 'the repository turned the bot off');

  const issue = await tracker.getIssue(repoRef, job.issue.number);
  if (issue.isPullRequest) return skipped(log, 'pull requests are not triaged');
  if (issue.state === 'closed') return skipped(log, 'the issue is closed');

  const kb = deps.knowledge();
  const text = { title: issue.title, body: issue.body };
  const classifyStarted = performance.now();
  const similar = deps.similar?.query(job.repo.fullName, text, { excludeNumber: issue.number, includePrivate: job.repo.private, limit: 3 }) ?? [];
  // Labels the bot itself applied on an earlier try or triage are not a human's judgement.
  const humanLabels = issue.labels.filter((label) => !existing?.labels.includes(label));
  const { classification, decision } = assessIssue({ kb, issue: { ...text, labels: humanLabels }, similar, settings });
  const classifyMs = performance.now() - classifyStarted;
  if (decision.kind === 'skip') return skipped(log, decision.reason);

  const mode: TriageMode = deps.dryRun ? 'dry-run' : settings.mode;
  const replyBody = decision.reply ? renderReply(deps.replyTemplate, decision, job.repo.fullName, issue.number) : null;
  const baseRecord = {
    deliveryId: job.deliveryId,
    repo: job.repo.fullName,
    issueNumber: issue.number,
    issueTitle: issue.title,
    issueUrl: issue.htmlUrl,
    modelVersion: classification.modelVersion,
    ranking: classification.ranking,
    topic: decision.topic?.slug ?? null,
    confidence: classification.confidence,
    abstained: decision.abstained,
    missingInfo: decision.missing,
    labels: decision.labels.map((label) => label.name),
    resources: decision.resources.map(({ id, title, url, why, score }) => ({ id, title, url, why, score })),
    similar: decision.similar,
    terms: classification.terms,
    mode,
    replyBody,
    receivedAt: job.receivedAt,
  };
  let record = await deps.store.saveDecision({ ...baseRecord, timings: { classifyMs }, decidedAt: deps.now().toISOString() });

  const githubStarted = performance.now();
  let replied = false;
  const writes = mode === 'on' || mode === 'review' || mode === 'dry-run';
  if (writes) await tracker.addLabels(repoRef, issue.number, decision.labels);
  if (replyBody) {
    if (mode === 'on' || mode === 'dry-run') replied = await postReplyOnce(deps, tracker, repoRef, record, replyBody, log);
    else if (mode === 'review') await deps.store.setReplyState(record.id, 'pending-review', replyBody);
    else await deps.store.setReplyState(record.id, 'dry-run', replyBody);
  }
  const githubMs = performance.now() - githubStarted;

  const finished = deps.now();
  const timings = {
    classifyMs,
    githubMs,
    workerMs: performance.now() - started,
    deliveryToDoneMs: Math.max(0, finished.getTime() - Date.parse(job.receivedAt)),
  };
  record = await deps.store.saveDecision({ ...baseRecord, timings, decidedAt: finished.toISOString() });
  log.info(
    {
      decisionId: record.id,
      topic: record.topic,
      confidence: Number(record.confidence.toFixed(3)),
      abstained: record.abstained,
      labels: record.labels,
      missingInfo: record.missingInfo,
      resources: record.resources.map((resource) => resource.id),
      similar: record.similar.map((ref) => ref.number),
      replied,
      mode,
      modelVersion: record.modelVersion,
      timings,
    },
    'triage decision',
  );
  return { outcome: 'triaged', decision: record, replied };
}

function skipped(log: Logger, reason: string): EventOutcome {
  log.info({ reason }, 'triage skipped');
  return { outcome: 'skipped', reason };
}

async function recordCorrection(deps: TriageDeps, job: IssueEventJob, log: Logger): Promise<EventOutcome> {
  if (!job.label) return skipped(log, 'label event without a label');
  const decision = await deps.store.getDecisionForIssue(job.repo.fullName, job.issue.number);
  if (!decision) return skipped(log, 'label change on an issue the bot did not triage');
  const kb = deps.knowledge();
  const tracker = deps.trackerFor(job);
  const { settings } = await deps.repoSettings(repoRefOf(job), tracker);
  const topicOf = (label: string) => topicOfLabel(kb.topics, settings.labelMap, label);
  const labelTopic = topicOf(job.label);
  if (!labelTopic) return skipped(log, 'not a topic label');
  const current = currentTopicOf(decision);

  let toTopic: string | null;
  if (job.action === 'labeled') {
    if (labelTopic === current) return skipped(log, 'the label matches the current topic');
    toTopic = labelTopic;
  } else {
    if (labelTopic !== current) return skipped(log, 'removed label is not the current topic');
    // Replacing a label arrives as two events in either order: the issue's labels now tell which topic stands.
    const fresh = job.issue.labels.map(topicOf).find((topic): topic is string => topic !== null && topic !== labelTopic);
    toTopic = fresh ?? null;
  }
  await deps.store.recordCorrection({
    repo: job.repo.fullName,
    issueNumber: job.issue.number,
    decisionId: decision.id,
    fromTopic: current,
    toTopic,
    actor: job.sender.login,
    source: 'github',
    createdAt: deps.now().toISOString(),
  });
  log.info({ fromTopic: current, toTopic, actor: job.sender.login }, 'maintainer corrected the topic');
  return { outcome: 'correction', fromTopic: current, toTopic };
}
