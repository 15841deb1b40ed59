import type {
  CorrectionInput,
  CorrectionRecord,
  DecisionFilter,
  DecisionInput,
  DecisionRecord,
  DeliveryRecord,
  IssueChange,
  ModelVersionRecord,
  StoredIssue,
} from './types.js';

/**
 * The port to durable state. SQLite (default) and PostgreSQL adapters implement it; both run the
 * same contract suite. All methods are async so either back end fits.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  ping(): Promise<boolean>;
  close(): Promise<void>;

  /** Records a delivery; returns false when this delivery id was already recorded (a redelivery). */
  recordDelivery(delivery: DeliveryRecord): Promise<boolean>;
  /** `recordDelivery` for several deliveries in one transaction; one flag per delivery, in order. */
  recordDeliveries(deliveries: readonly DeliveryRecord[]): Promise<boolean[]>;
  getDelivery(deliveryId: string): Promise<DeliveryRecord | null>;
  countDeliveries(): Promise<number>;

  /**
   * Inserts or replaces the decision of one issue (unique by repo and issue number). The reply
   * fields (replyState, replyCommentId, replyUrl, repliedAt) and the reply claim are kept as they are.
   */
  saveDecision(decision: DecisionInput): Promise<DecisionRecord>;
  getDecision(id: number): Promise<DecisionRecord | null>;
  getDecisionForIssue(repo: string, issueNumber: number): Promise<DecisionRecord | null>;
  listDecisions(filter: DecisionFilter): Promise<{ items: DecisionRecord[]; total: number }>;
  /**
   * Claims the right to post the issue's one reply for this delivery, before posting. Succeeds when
   * no reply was posted and no other delivery holds the claim, or when this same delivery already
   * holds it (its earlier try died mid-job). A DB-level compare-and-set: two workers never both win.
   */
  claimReply(decisionId: number, deliveryId: string): Promise<boolean>;
  /**
   * Marks the reply as posted. Returns false when the issue already had a posted reply: the
   * database constraint behind "one reply per issue".
   */
  markReplied(decisionId: number, reply: { commentId: number; url: string; body: string; at: string }): Promise<boolean>;
  setReplyState(decisionId: number, state: 'pending-review' | 'declined' | 'dry-run', body?: string): Promise<void>;

  recordCorrection(correction: CorrectionInput): Promise<CorrectionRecord>;
  listCorrections(filter?: { repo?: string; since?: string }): Promise<CorrectionRecord[]>;

  upsertIssue(issue: StoredIssue): Promise<void>;
  deleteIssue(repo: string, issueNumber: number): Promise<void>;
  /** Streams stored issues in (repo, number) order, in pages, for index rebuilds and training. */
  listIssues(options: { repo?: string; afterRepo?: string; afterNumber?: number; limit: number }): Promise<StoredIssue[]>;

  /**
   * Where to start following issue changes. Take it before a full read of the issues: whatever is
   * written during the read is then still reported by `issueChangesSince`.
   */
  issueChangeCursor(): Promise<number>;
  /**
   * The issues written or deleted since `cursor` (each once, as it is now) and the cursor for the
   * next call. Worker processes that keep their own similar-issue index follow the other workers'
   * writes this way. A change may be reported again by the next call, never skipped.
   */
  issueChangesSince(cursor: number): Promise<{ changes: IssueChange[]; cursor: number }>;

  /**
   * A cheap summary of the stored issues (count, latest update, sum of numbers, latest change stamp)
   * that changes with every issue written or deleted: a saved similar-issue snapshot is only reused
   * when it matches.
   */
  issueFingerprint(): Promise<string>;

  saveModelVersion(version: ModelVersionRecord, modelJson: string): Promise<void>;
  listModelVersions(): Promise<ModelVersionRecord[]>;
  getModelJson(version: string): Promise<string | null>;
  setCurrentModel(version: string): Promise<void>;

  /** Small key/value settings: per-repository config cache, backfill cursors. */
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
}
