import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { KnowledgeBase } from '../classify/index.js';
import { evaluationFile } from '../classify/knowledge-base.js';
import type { JobInfo, JobQueue } from '../queue/job-queue.js';
import type { Store } from '../store/store.js';
import { currentTopicOf, type DecisionFilter, type DecisionRecord, type ModelVersionRecord } from '../store/types.js';
import { topicDisplayName } from '../triage/decide.js';
import { parseIssueEventJob } from '../triage/events.js';
import { storedFigures, type ModelFigures } from '../training/promotion.js';
import { computeQuality, removedColumn, abstainedRow } from './quality.js';
import { canSeeRepo, type Session } from './session.js';

/** What the page builders read. */
export interface PageDeps {
  store: Store;
  queue: JobQueue;
  knowledge(): KnowledgeBase;
  repoConfigErrors(): Promise<Map<string, string[]>>;
  now(): Date;
}

export const pageSize = 25;

/** Links from issue data are untrusted: only web URLs become links. */
export function safeHref(url: string | null | undefined): string | null {
  return typeof url === 'string' && /^https?:\/\/[^\s"'<>]+$/i.test(url) ? url : null;
}

/** The topic's label colour from the knowledge base, grey for abstentions and unknown topics. */
export function topicColor(kb: KnowledgeBase, slug: string): string {
  return `#${kb.topics.find((topic) => topic.slug === slug)?.color ?? '8b949e'}`;
}

export function topicNamer(kb: KnowledgeBase): (slug: string | null | undefined) => string {
  const names = new Map(kb.topics.map((topic) => [topic.slug, topicDisplayName(topic)]));
  return (slug) => {
    if (slug === null || slug === undefined) return 'no topic';
    if (slug === abstainedRow) return 'abstained';
    return names.get(slug) ?? slug;
  };
}

const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const queueQuerySchema = z.object({
  repo: z.string().trim().max(200).optional().catch(undefined),
  topic: z.string().trim().max(100).optional().catch(undefined),
  status: z.enum(['abstained', 'labelled']).optional().catch(undefined),
  corrected: z.enum(['yes', 'no']).optional().catch(undefined),
  since: dateText.optional().catch(undefined),
  until: dateText.optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});
export type QueueQuery = z.infer<typeof queueQuerySchema>;

export function parseQueueQuery(query: unknown): QueueQuery {
  const parsed = queueQuerySchema.safeParse(query ?? {});
  const value = parsed.success ? parsed.data : {};
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined && item !== '')) as QueueQuery;
}

/** The store filter for the queue's form fields. `until` is inclusive of its day. */
export function decisionFilterOf(query: QueueQuery): DecisionFilter {
  const filter: DecisionFilter = { limit: pageSize, offset: ((query.page ?? 1) - 1) * pageSize };
  if (query.repo) filter.repo = query.repo;
  if (query.topic) filter.topic = query.topic;
  if (query.status) filter.abstained = query.status === 'abstained';
  if (query.corrected) filter.corrected = query.corrected === 'yes';
  if (query.since) filter.since = `${query.since}T00:00:00.000Z`;
  if (query.until) filter.until = new Date(Date.parse(`${query.until}T00:00:00.000Z`) + 86_400_000).toISOString();
  if (query.q) filter.search = query.q;
  return filter;
}

function queryString(query: QueueQuery, page: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, page })) {
    if (value !== undefined && value !== '' && !(key === 'page' && value === 1)) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A repo-restricted person sees one of their repositories at a time; others may see all. */
export function scopeRepo(session: Session, requested: string | undefined): { repo: string | undefined; allowed: boolean } {
  if (session.repos === null) return { repo: requested, allowed: true };
  if (requested) return { repo: requested, allowed: canSeeRepo(session, requested) };
  return { repo: session.repos[0], allowed: session.repos.length > 0 };
}

function decisionRow(decision: DecisionRecord, name: (slug: string | null | undefined) => string) {
  const corrected = decision.correctedTopic !== undefined && decision.correctedTopic !== decision.topic;
  return {
    id: decision.id,
    repo: decision.repo,
    issueNumber: decision.issueNumber,
    issueUrl: safeHref(decision.issueUrl),
    title: decision.issueTitle,
    topic: decision.abstained ? null : decision.topic,
    topicName: decision.abstained ? null : name(decision.topic),
    confidence: decision.confidence,
    needsInfo: decision.missingInfo.length > 0,
    replyUrl: safeHref(decision.replyUrl),
    replyState: decision.replyState,
    deliveryToReplyMs: decision.replyState === 'posted' ? decision.timings.deliveryToDoneMs : undefined,
    corrected,
    correctedName: corrected ? name(decision.correctedTopic) : null,
    decidedAt: decision.decidedAt,
  };
}

export function configErrorsFor(session: Session, errors: Map<string, string[]>) {
  return [...errors].filter(([repo]) => canSeeRepo(session, repo)).map(([repo, messages]) => ({ repo, messages }));
}

/**
 * The committed model's figures, from `evaluation.json` beside it (written by `supportbot eval
 * --save`), when they belong to this very model version.
 */
function committedFigures(kbDir: string, modelVersion: string): ModelFigures | null {
  try {
    const saved = JSON.parse(fs.readFileSync(path.join(kbDir, evaluationFile), 'utf8')) as Record<string, unknown>;
    if (saved.modelVersion !== modelVersion) return null;
    return storedFigures(saved);
  } catch {
    return null;
  }
}

export async function queuePage(deps: PageDeps, session: Session, rawQuery: unknown) {
  const query = parseQueueQuery(rawQuery);
  const scope = scopeRepo(session, query.repo);
  const kb = deps.knowledge();
  const name = topicNamer(kb);
  const effective = { ...query, repo: scope.repo };
  const { items, total } = scope.allowed ? await deps.store.listDecisions(decisionFilterOf(effective)) : { items: [], total: 0 };
  const page = query.page ?? 1;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return {
    query: effective,
    repoChoices: session.repos,
    topics: kb.topics.map((topic) => ({ slug: topic.slug, name: name(topic.slug), selected: topic.slug === query.topic })),
    rows: items.map((decision) => decisionRow(decision, name)),
    total,
    page,
    pages,
    previous: page > 1 ? queryString(effective, page - 1) : null,
    next: page < pages ? queryString(effective, page + 1) : null,
    noAccess: !scope.allowed,
    configErrors: configErrorsFor(session, await deps.repoConfigErrors()),
  };
}

function jobRow(job: JobInfo) {
  return { id: job.id, state: job.state, attempt: job.attempt, maxAttempts: job.maxAttempts, lastError: job.lastError, createdAt: job.createdAt, updatedAt: job.updatedAt, runAt: job.runAt };
}

export async function decisionPage(deps: PageDeps, decision: DecisionRecord) {
  const kb = deps.knowledge();
  const name = topicNamer(kb);
  const [jobs, delivery, corrections] = await Promise.all([
    deps.queue.listJobs({ id: decision.deliveryId }),
    deps.store.getDelivery(decision.deliveryId),
    deps.store.listCorrections({ repo: decision.repo }),
  ]);
  const current = currentTopicOf(decision);
  const maxWeight = Math.max(1e-9, ...decision.terms.map((term) => Math.abs(term.weight)));
  return {
    decision: decisionRow(decision, name),
    modelVersion: decision.modelVersion,
    mode: decision.mode,
    abstained: decision.abstained,
    missingInfo: decision.missingInfo,
    labels: decision.labels,
    scores: decision.ranking.map((score) => ({ topic: score.topic, name: name(score.topic), score: score.score, chosen: score.topic === decision.topic && !decision.abstained })),
    chart: {
      type: 'bar',
      horizontal: true,
      percent: true,
      labels: decision.ranking.map((score) => name(score.topic)),
      datasets: [{ label: 'score', data: decision.ranking.map((score) => Number(score.score.toFixed(4))), colors: decision.ranking.map((score) => topicColor(kb, score.topic)) }],
    },
    deliveryId: decision.deliveryId,
    terms: decision.terms.map((term) => ({ term: term.term, weight: term.weight, share: Math.abs(term.weight) / maxWeight })),
    resources: decision.resources.map((resource) => ({ ...resource, url: safeHref(resource.url) })),
    similar: decision.similar.map((ref) => ({ ...ref, url: safeHref(ref.url) })),
    replyBody: decision.replyBody,
    reviewPending: decision.replyState === 'pending-review',
    currentTopic: current,
    currentTopicName: name(current),
    topicChoices: kb.topics
      .filter((topic) => topic.label !== null)
      .map((topic) => ({ slug: topic.slug, name: name(topic.slug), selected: topic.slug === current })),
    corrections: corrections
      .filter((correction) => correction.issueNumber === decision.issueNumber)
      .map((correction) => ({ ...correction, fromName: name(correction.fromTopic), toName: name(correction.toTopic) })),
    delivery,
    timings: Object.entries(decision.timings).map(([step, ms]) => ({ step: timingNames[step] ?? step, ms })),
    jobs: jobs.map(jobRow),
    receivedAt: decision.receivedAt,
  };
}

const timingNames: Record<string, string> = {
  classifyMs: 'classify',
  githubMs: 'GitHub calls',
  workerMs: 'worker',
  deliveryToDoneMs: 'delivery to reply',
};

/** Every decision the filter matches, page by page, up to `max`. */
async function decisionsSince(store: Store, filter: DecisionFilter, max: number): Promise<DecisionRecord[]> {
  const all: DecisionRecord[] = [];
  const batch = 500;
  for (let offset = 0; offset < max; offset += batch) {
    const { items } = await store.listDecisions({ ...filter, limit: batch, offset });
    all.push(...items);
    if (items.length < batch) break;
  }
  return all;
}

const qualityQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30).catch(30),
  repo: z.string().trim().max(200).optional().catch(undefined),
});

export async function qualityPage(deps: PageDeps, session: Session, rawQuery: unknown) {
  const query = qualityQuerySchema.parse(rawQuery ?? {});
  const scope = scopeRepo(session, query.repo || undefined);
  const kb = deps.knowledge();
  const name = topicNamer(kb);
  const to = deps.now();
  const from = new Date(to.getTime() - (query.days - 1) * 86_400_000);
  const since = `${from.toISOString().slice(0, 10)}T00:00:00.000Z`;
  const decisions = scope.allowed ? await decisionsSince(deps.store, { since, ...(scope.repo ? { repo: scope.repo } : {}) }, 20_000) : [];
  const topics = kb.topics.map((topic) => topic.slug);
  const report = computeQuality({ decisions, topics, from: since, to: to.toISOString() });
  const versions = await deps.store.listModelVersions();
  const current = versions.find((version) => version.version === kb.model.version);
  const figures = current ? storedFigures(current.metrics) : committedFigures(kb.dir, kb.model.version);
  const columnName = (column: string) => (column === removedColumn ? 'no topic' : name(column));
  return {
    days: query.days,
    repo: scope.repo,
    repoChoices: session.repos,
    noAccess: !scope.allowed,
    report,
    perTopic: report.perTopic.map((row) => ({ ...row, name: name(row.topic) })),
    confusion: {
      columns: report.confusion.columns.map(columnName),
      rows: report.confusion.rows.map((row, index) => ({
        name: name(row),
        cells: report.confusion.counts[index].map((count, column) => ({ count, diagonal: report.confusion.columns[column] === row || (row === abstainedRow && report.confusion.columns[column] === removedColumn) })),
      })),
    },
    volumeChart: {
      type: 'bar',
      stacked: true,
      labels: report.volume.days,
      datasets: report.volume.series.map((series) => ({ label: name(series.topic), data: series.counts, colors: [topicColor(kb, series.topic)] })),
    },
    precisionChart: {
      type: 'bar',
      percent: true,
      labels: report.perTopic.filter((row) => row.precision !== null).map((row) => name(row.topic)),
      datasets: [
        {
          label: 'precision',
          data: report.perTopic.filter((row) => row.precision !== null).map((row) => Number((row.precision ?? 0).toFixed(4))),
          colors: report.perTopic.filter((row) => row.precision !== null).map((row) => topicColor(kb, row.topic)),
        },
      ],
    },
    volumeTotals: report.volume.series.map((series) => ({ name: name(series.topic), total: series.counts.reduce((a, b) => a + b, 0) })),
    model: { version: kb.model.version, examples: kb.model.training.examples, figures, measuredAt: current?.createdAt ?? null },
  };
}

function versionRow(version: ModelVersionRecord, inUse: string) {
  const compared = version.metrics.comparedWith as Record<string, unknown> | undefined;
  const figures = storedFigures(version.metrics);
  const previous = compared ? storedFigures(compared) : null;
  return {
    ...version,
    figures,
    inUse: version.version === inUse,
    comparedWith: previous && figures ? { version: String(compared?.version ?? ''), macroF1: previous.macroF1, gain: figures.macroF1 - previous.macroF1 } : null,
  };
}

export async function modelPage(deps: PageDeps) {
  const kb = deps.knowledge();
  const versions = await deps.store.listModelVersions();
  return {
    inUse: { version: kb.model.version, learner: kb.model.learner, examples: kb.model.training.examples, terms: kb.model.vocabulary.length, stored: versions.some((version) => version.version === kb.model.version) },
    versions: versions.map((version) => versionRow(version, kb.model.version)),
    corrections: (await deps.store.listCorrections()).length,
  };
}

export async function failuresPage(deps: PageDeps, session: Session) {
  const jobs = await deps.queue.listJobs({ state: 'failed', limit: 200 });
  const rows = jobs
    .map((job) => {
      const event = parseIssueEventJob(job.payload);
      return { ...jobRow(job), repo: event?.repo.fullName ?? null, issueNumber: event?.issue.number ?? null, action: event?.action ?? job.name, title: event?.issue.title ?? null };
    })
    .filter((row) => session.repos === null || (row.repo !== null && canSeeRepo(session, row.repo)));
  return { rows };
}

/** Replies waiting for review, newest first, in the repositories this user may see. */
export async function reviewPage(deps: PageDeps, session: Session) {
  const name = topicNamer(deps.knowledge());
  const pending = (await decisionsSince(deps.store, { replyState: 'pending-review' }, Infinity)).filter((decision) => canSeeRepo(session, decision.repo));
  return { rows: pending.map((decision) => ({ ...decisionRow(decision, name), replyBody: decision.replyBody })) };
}
