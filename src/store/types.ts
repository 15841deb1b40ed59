import type { TermContribution, TopicScore } from '../classify/types.js';

/** A webhook delivery as received, before any work is done on it. */
export interface DeliveryRecord {
  deliveryId: string;
  event: string;
  action: string | null;
  repo: string | null;
  issueNumber: number | null;
  receivedAt: string;
  /** queued: a job was enqueued; ignored: acknowledged and filtered out. */
  status: 'queued' | 'ignored';
  reason: string | null;
}

export interface SuggestedResource {
  id: string;
  title: string;
  url: string;
  /** One line on why this resource fits the issue. */
  why: string;
  score: number;
}

export interface SimilarIssueRef {
  repo: string;
  number: number;
  title: string;
  url: string;
  score: number;
  answered: boolean;
}

export type TriageMode = 'on' | 'review' | 'shadow' | 'off' | 'dry-run';

/** Everything the bot decided about one issue. One row per issue (repo, number). */
export interface DecisionInput {
  deliveryId: string;
  repo: string;
  issueNumber: number;
  issueTitle: string;
  issueUrl: string;
  modelVersion: string;
  ranking: TopicScore[];
  topic: string | null;
  confidence: number;
  abstained: boolean;
  missingInfo: string[];
  labels: string[];
  resources: SuggestedResource[];
  similar: SimilarIssueRef[];
  terms: TermContribution[];
  mode: TriageMode;
  /** The reply as rendered (posted, awaiting review, or what dry-run would have posted). */
  replyBody: string | null;
  /** Milliseconds: classify, decide, github (calls), total (delivery received to reply). */
  timings: Record<string, number>;
  receivedAt: string;
  decidedAt: string;
}

export type ReplyState = 'none' | 'posted' | 'pending-review' | 'declined' | 'dry-run';

export interface DecisionRecord extends DecisionInput {
  id: number;
  replyState: ReplyState;
  replyCommentId: number | null;
  replyUrl: string | null;
  repliedAt: string | null;
  /** The topic a maintainer corrected to (null: removed the label without a replacement). */
  correctedTopic: string | null | undefined;
  correctedAt: string | null;
}

export interface CorrectionInput {
  repo: string;
  issueNumber: number;
  decisionId: number | null;
  fromTopic: string | null;
  toTopic: string | null;
  actor: string;
  source: 'github' | 'dashboard';
  createdAt: string;
}

export interface CorrectionRecord extends CorrectionInput {
  id: number;
}

export interface DecisionFilter {
  repo?: string;
  topic?: string;
  abstained?: boolean;
  corrected?: boolean;
  replyState?: ReplyState;
  since?: string;
  until?: string;
  search?: string;
  limit?: number;
  offset?: number;
}

/** The topic an issue stands under now: the latest correction, else the bot's choice. */
export function currentTopicOf(decision: DecisionRecord): string | null {
  return decision.correctedTopic === undefined ? decision.topic : decision.correctedTopic;
}

/** Closed as done (not "not planned") after a discussion: the thread likely holds the answer. */
export function likelyAnswered(state: string, stateReason: string | null, comments: number): boolean {
  return state === 'closed' && stateReason !== 'not_planned' && comments > 0;
}

/** An issue of a watched repository, kept for similar-issue suggestions and retraining. */
export interface StoredIssue {
  repo: string;
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  /** Closed as completed with at least one comment: likely has its answer. */
  answered: boolean;
  isPrivate: boolean;
  url: string;
  updatedAt: string;
}

/** A LIKE pattern (with ESCAPE '\') matching `text` anywhere, the user's `%`, `_` and `\` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** An issue written or deleted in the store: its row as it is now, or null once deleted. */
export interface IssueChange {
  repo: string;
  number: number;
  issue: StoredIssue | null;
  /** The stamp of its latest write, on the store's clock: the same change read twice has the same one. */
  changedAtMs: number;
}

/**
 * How far back each read of issue changes reaches before its cursor. A write is stamped with the
 * store's clock when it runs but seen by others only once committed; this margin covers that gap,
 * so a change may be reported twice but is never skipped.
 */
export const DEFAULT_ISSUE_CHANGE_OVERLAP_MS = 10_000;

export interface ModelVersionRecord {
  version: string;
  createdAt: string;
  trainingSize: number;
  metrics: Record<string, unknown>;
  current: boolean;
}
