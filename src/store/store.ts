import type {
  CorrectionInput,
  CorrectionRecord,
  DecisionFilter,
  DecisionInput,
  DecisionRecord,
  DeliveryRecord,
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
   * A cheap summary of the stored issues (count, latest update, sum of numbers) that changes when
   * any issue is added, edited or deleted: a saved similar-issue snapshot is only reused when it matches.
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
