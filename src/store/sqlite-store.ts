import type { Store } from './store.js';
import type {
  CorrectionInput,
  CorrectionRecord,
  DecisionFilter,
  DecisionInput,
  DecisionRecord,
  DeliveryRecord,
  IssueChange,
  ModelVersionRecord,
  ReplyState,
  StoredIssue,
} from './types.js';
import { containsPattern, DEFAULT_ISSUE_CHANGE_OVERLAP_MS } from './types.js';
import { startCheckpointer, type Checkpointer } from './sqlite-checkpointer.js';
import { openSqliteDatabase, statementCache, type SqliteDatabase } from './sqlite-database.js';
import { applyMigrations, storeMigrations } from './sqlite-migrations.js';

const defaultPageSize = 50;

interface DeliveryRow {
  delivery_id: string;
  event: string;
  action: string | null;
  repo: string | null;
  issue_number: number | null;
  received_at: string;
  status: DeliveryRecord['status'];
  reason: string | null;
}

interface DecisionRow {
  id: number;
  delivery_id: string;
  repo: string;
  issue_number: number;
  issue_title: string;
  issue_url: string;
  model_version: string;
  ranking: string;
  topic: string | null;
  confidence: number;
  abstained: number;
  missing_info: string;
  labels: string;
  resources: string;
  similar: string;
  terms: string;
  mode: DecisionInput['mode'];
  reply_body: string | null;
  timings: string;
  received_at: string;
  decided_at: string;
  reply_state: ReplyState;
  reply_comment_id: number | null;
  reply_url: string | null;
  replied_at: string | null;
  correction_id: number | null;
  corrected_topic: string | null;
  corrected_at: string | null;
}

interface CorrectionRow {
  id: number;
  repo: string;
  issue_number: number;
  decision_id: number | null;
  from_topic: string | null;
  to_topic: string | null;
  actor: string;
  source: CorrectionInput['source'];
  created_at: string;
}

interface IssueRow {
  repo: string;
  number: number;
  title: string;
  body: string;
  state: StoredIssue['state'];
  answered: number;
  is_private: number;
  url: string;
  updated_at: string;
}

interface ModelVersionRow {
  version: string;
  created_at: string;
  training_size: number;
  metrics: string;
  current: number;
}

/** Each decision with the latest correction of its issue, if any. */
const decisionSelect = `
  SELECT d.*, c.id AS correction_id, c.to_topic AS corrected_topic, c.created_at AS corrected_at
  FROM decisions d
  LEFT JOIN corrections c ON c.id = (
    SELECT id FROM corrections
    WHERE repo = d.repo AND issue_number = d.issue_number
    ORDER BY created_at DESC, id DESC
    LIMIT 1
  )`;

function toDelivery(row: DeliveryRow): DeliveryRecord {
  return {
    deliveryId: row.delivery_id,
    event: row.event,
    action: row.action,
    repo: row.repo,
    issueNumber: row.issue_number,
    receivedAt: row.received_at,
    status: row.status,
    reason: row.reason,
  };
}

function toDecision(row: DecisionRow): DecisionRecord {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    repo: row.repo,
    issueNumber: row.issue_number,
    issueTitle: row.issue_title,
    issueUrl: row.issue_url,
    modelVersion: row.model_version,
    ranking: JSON.parse(row.ranking),
    topic: row.topic,
    confidence: row.confidence,
    abstained: row.abstained === 1,
    missingInfo: JSON.parse(row.missing_info),
    labels: JSON.parse(row.labels),
    resources: JSON.parse(row.resources),
    similar: JSON.parse(row.similar),
    terms: JSON.parse(row.terms),
    mode: row.mode,
    replyBody: row.reply_body,
    timings: JSON.parse(row.timings),
    receivedAt: row.received_at,
    decidedAt: row.decided_at,
    replyState: row.reply_state,
    replyCommentId: row.reply_comment_id,
    replyUrl: row.reply_url,
    repliedAt: row.replied_at,
    correctedTopic: row.correction_id === null ? undefined : row.corrected_topic,
    correctedAt: row.corrected_at,
  };
}

function toCorrection(row: CorrectionRow): CorrectionRecord {
  return {
    id: row.id,
    repo: row.repo,
    issueNumber: row.issue_number,
    decisionId: row.decision_id,
    fromTopic: row.from_topic,
    toTopic: row.to_topic,
    actor: row.actor,
    source: row.source,
    createdAt: row.created_at,
  };
}

function toIssue(row: IssueRow): StoredIssue {
  return {
    repo: row.repo,
    number: row.number,
    title: row.title,
    body: row.body,
    state: row.state,
    answered: row.answered === 1,
    isPrivate: row.is_private === 1,
    url: row.url,
    updatedAt: row.updated_at,
  };
}

function toModelVersion(row: ModelVersionRow): ModelVersionRecord {
  return {
    version: row.version,
    createdAt: row.created_at,
    trainingSize: row.training_size,
    metrics: JSON.parse(row.metrics),
    current: row.current === 1,
  };
}

function decisionWhere(filter: DecisionFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.repo !== undefined) {
    clauses.push('d.repo = ?');
    params.push(filter.repo);
  }
  if (filter.topic !== undefined) {
    clauses.push('d.topic = ?');
    params.push(filter.topic);
  }
  if (filter.abstained !== undefined) {
    clauses.push('d.abstained = ?');
    params.push(filter.abstained ? 1 : 0);
  }
  if (filter.replyState !== undefined) {
    clauses.push('d.reply_state = ?');
    params.push(filter.replyState);
  }
  if (filter.corrected !== undefined) {
    clauses.push(`${filter.corrected ? '' : 'NOT '}EXISTS (SELECT 1 FROM corrections x WHERE x.repo = d.repo AND x.issue_number = d.issue_number)`);
  }
  if (filter.since !== undefined) {
    clauses.push('d.decided_at >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    clauses.push('d.decided_at < ?');
    params.push(filter.until);
  }
  if (filter.search !== undefined && filter.search.trim() !== '') {
    // SQLite's LIKE folds ASCII case only; lower() on both sides keeps the intent explicit.
    clauses.push("lower(d.issue_title) LIKE lower(?) ESCAPE '\\'");
    params.push(containsPattern(filter.search.trim()));
  }
  return { sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private closed = false;
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly checkpointer: Checkpointer | null,
    private readonly issueChangeOverlapMs: number,
  ) {
    this.sql = statementCache(db);
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    const row = this.sql('SELECT 1 AS ok').get() as { ok: number };
    return row.ok === 1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.checkpointer?.stop();
    this.db.close();
  }

  async recordDelivery(delivery: DeliveryRecord): Promise<boolean> {
    return (await this.recordDeliveries([delivery]))[0];
  }

  async recordDeliveries(deliveries: readonly DeliveryRecord[]): Promise<boolean[]> {
    const insert = this.sql(
      `INSERT INTO deliveries (delivery_id, event, action, repo, issue_number, received_at, status, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (delivery_id) DO NOTHING`,
    );
    return this.db.transaction(() =>
      deliveries.map(
        (delivery) =>
          insert.run(delivery.deliveryId, delivery.event, delivery.action, delivery.repo, delivery.issueNumber, delivery.receivedAt, delivery.status, delivery.reason)
            .changes === 1,
      ),
    )();
  }

  async getDelivery(deliveryId: string): Promise<DeliveryRecord | null> {
    const row = this.sql('SELECT * FROM deliveries WHERE delivery_id = ?').get(deliveryId) as DeliveryRow | undefined;
    return row ? toDelivery(row) : null;
  }

  async countDeliveries(): Promise<number> {
    return (this.sql('SELECT COUNT(*) AS n FROM deliveries').get() as { n: number }).n;
  }

  async saveDecision(decision: DecisionInput): Promise<DecisionRecord> {
    // An upsert, not a replace: the row keeps its id and its reply columns, so a re-triaged issue
    // still knows a reply was posted and cannot get a second one.
    const row = this.sql(
      `INSERT INTO decisions (
         delivery_id, repo, issue_number, issue_title, issue_url, model_version, ranking, topic, confidence,
         abstained, missing_info, labels, resources, similar, terms, mode, reply_body, timings, received_at, decided_at)
       VALUES (@deliveryId, @repo, @issueNumber, @issueTitle, @issueUrl, @modelVersion, @ranking, @topic, @confidence,
         @abstained, @missingInfo, @labels, @resources, @similar, @terms, @mode, @replyBody, @timings, @receivedAt, @decidedAt)
       ON CONFLICT (repo, issue_number) DO UPDATE SET
         delivery_id = excluded.delivery_id, issue_title = excluded.issue_title, issue_url = excluded.issue_url,
         model_version = excluded.model_version, ranking = excluded.ranking, topic = excluded.topic,
         confidence = excluded.confidence, abstained = excluded.abstained, missing_info = excluded.missing_info,
         labels = excluded.labels, resources = excluded.resources, similar = excluded.similar, terms = excluded.terms,
         mode = excluded.mode, reply_body = CASE WHEN reply_state = 'posted' THEN reply_body ELSE excluded.reply_body END,
         timings = excluded.timings, received_at = excluded.received_at, decided_at = excluded.decided_at
       RETURNING id`,
    ).get({
      deliveryId: decision.deliveryId,
      repo: decision.repo,
      issueNumber: decision.issueNumber,
      issueTitle: decision.issueTitle,
      issueUrl: decision.issueUrl,
      modelVersion: decision.modelVersion,
      ranking: JSON.stringify(decision.ranking),
      topic: decision.topic,
      confidence: decision.confidence,
      abstained: decision.abstained ? 1 : 0,
      missingInfo: JSON.stringify(decision.missingInfo),
      labels: JSON.stringify(decision.labels),
      resources: JSON.stringify(decision.resources),
      similar: JSON.stringify(decision.similar),
      terms: JSON.stringify(decision.terms),
      mode: decision.mode,
      replyBody: decision.replyBody,
      timings: JSON.stringify(decision.timings),
      receivedAt: decision.receivedAt,
      decidedAt: decision.decidedAt,
    }) as { id: number };
    const saved = await this.getDecision(row.id);
    if (!saved) throw new Error(`decision ${row.id} vanished right after it was saved`);
    return saved;
  }

  async getDecision(id: number): Promise<DecisionRecord | null> {
    const row = this.sql(`${decisionSelect} WHERE d.id = ?`).get(id) as DecisionRow | undefined;
    return row ? toDecision(row) : null;
  }

  async getDecisionForIssue(repo: string, issueNumber: number): Promise<DecisionRecord | null> {
    const row = this.sql(`${decisionSelect} WHERE d.repo = ? AND d.issue_number = ?`).get(repo, issueNumber) as
      | DecisionRow
      | undefined;
    return row ? toDecision(row) : null;
  }

  async listDecisions(filter: DecisionFilter): Promise<{ items: DecisionRecord[]; total: number }> {
    const where = decisionWhere(filter);
    const limit = Math.max(0, Math.floor(filter.limit ?? defaultPageSize));
    const offset = Math.max(0, Math.floor(filter.offset ?? 0));
    const read = this.db.transaction(() => {
      const total = (this.sql(`SELECT COUNT(*) AS n FROM decisions d ${where.sql}`).get(...where.params) as { n: number }).n;
      const rows = this.sql(`${decisionSelect} ${where.sql} ORDER BY d.decided_at DESC, d.id DESC LIMIT ? OFFSET ?`)
        .all(...where.params, limit, offset) as DecisionRow[];
      return { items: rows.map(toDecision), total };
    });
    return read();
  }

  async claimReply(decisionId: number, deliveryId: string): Promise<boolean> {
    const result = this.sql(
      `UPDATE decisions SET reply_claim = ?
       WHERE id = ? AND reply_state <> 'posted' AND (reply_claim IS NULL OR reply_claim = ?)`,
    ).run(deliveryId, decisionId, deliveryId);
    if (result.changes === 1) return true;
    this.requireDecision(decisionId, 'claimReply');
    return false;
  }

  async markReplied(decisionId: number, reply: { commentId: number; url: string; body: string; at: string }): Promise<boolean> {
    const result = this.sql(
      `UPDATE decisions
       SET reply_state = 'posted', reply_comment_id = ?, reply_url = ?, reply_body = ?, replied_at = ?
       WHERE id = ? AND reply_state <> 'posted'`,
    ).run(reply.commentId, reply.url, reply.body, reply.at, decisionId);
    if (result.changes === 1) return true;
    this.requireDecision(decisionId, 'markReplied');
    return false;
  }

  /** A missing decision is a caller's bug, not a lost race: say so instead of answering false. */
  private requireDecision(decisionId: number, operation: string): void {
    if (!this.sql('SELECT 1 FROM decisions WHERE id = ?').get(decisionId)) {
      throw new Error(`${operation}: no decision with id ${decisionId}`);
    }
  }

  async setReplyState(decisionId: number, state: 'pending-review' | 'declined' | 'dry-run', body?: string): Promise<void> {
    // A posted reply is a fact on GitHub; no later state may hide it.
    this.sql(
      `UPDATE decisions SET reply_state = ?, reply_body = COALESCE(?, reply_body)
       WHERE id = ? AND reply_state <> 'posted'`,
    ).run(state, body ?? null, decisionId);
  }

  async recordCorrection(correction: CorrectionInput): Promise<CorrectionRecord> {
    const row = this.sql(
      `INSERT INTO corrections (repo, issue_number, decision_id, from_topic, to_topic, actor, source, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       RETURNING *`,
    ).get(
      correction.repo,
      correction.issueNumber,
      correction.decisionId,
      correction.fromTopic,
      correction.toTopic,
      correction.actor,
      correction.source,
      correction.createdAt,
    ) as CorrectionRow;
    return toCorrection(row);
  }

  async listCorrections(filter: { repo?: string; since?: string } = {}): Promise<CorrectionRecord[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.repo !== undefined) {
      clauses.push('repo = ?');
      params.push(filter.repo);
    }
    if (filter.since !== undefined) {
      clauses.push('created_at >= ?');
      params.push(filter.since);
    }
    const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
    const rows = this.sql(`SELECT * FROM corrections ${where} ORDER BY created_at, id`).all(...params) as CorrectionRow[];
    return rows.map(toCorrection);
  }

  async upsertIssue(issue: StoredIssue): Promise<void> {
    this.db.transaction(() => {
      this.sql(
        `INSERT INTO issues (repo, number, title, body, state, answered, is_private, url, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (repo, number) DO UPDATE SET
           title = excluded.title, body = excluded.body, state = excluded.state, answered = excluded.answered,
           is_private = excluded.is_private, url = excluded.url, updated_at = excluded.updated_at`,
      ).run(
        issue.repo,
        issue.number,
        issue.title,
        issue.body,
        issue.state,
        issue.answered ? 1 : 0,
        issue.isPrivate ? 1 : 0,
        issue.url,
        issue.updatedAt,
      );
      this.noteIssueChange(issue.repo, issue.number);
    })();
  }

  async deleteIssue(repo: string, issueNumber: number): Promise<void> {
    this.db.transaction(() => {
      this.sql('DELETE FROM issues WHERE repo = ? AND number = ?').run(repo, issueNumber);
      this.noteIssueChange(repo, issueNumber);
    })();
  }

  /** Each write of one issue gets a later stamp than the one before, even within a millisecond. */
  private noteIssueChange(repo: string, issueNumber: number): void {
    this.sql(
      `INSERT INTO issue_changes (repo, number, changed_at_ms) VALUES (?, ?, ?)
       ON CONFLICT (repo, number) DO UPDATE SET changed_at_ms = MAX(excluded.changed_at_ms, changed_at_ms + 1)`,
    ).run(repo, issueNumber, Date.now());
  }

  async issueChangeCursor(): Promise<number> {
    return Date.now() - this.issueChangeOverlapMs;
  }

  async issueChangesSince(cursor: number): Promise<{ changes: IssueChange[]; cursor: number }> {
    const next = await this.issueChangeCursor();
    const rows = this.sql(
      `SELECT c.repo AS changed_repo, c.number AS changed_number, c.changed_at_ms, i.*
       FROM issue_changes c LEFT JOIN issues i ON i.repo = c.repo AND i.number = c.number
       WHERE c.changed_at_ms >= ? ORDER BY c.changed_at_ms`,
    ).all(cursor) as Array<IssueRow & { changed_repo: string; changed_number: number; changed_at_ms: number }>;
    const changes = rows.map((row) => ({
      repo: row.changed_repo,
      number: row.changed_number,
      issue: row.repo === null ? null : toIssue(row),
      changedAtMs: row.changed_at_ms,
    }));
    return { changes, cursor: next };
  }

  async listIssues(options: { repo?: string; afterRepo?: string; afterNumber?: number; limit: number }): Promise<StoredIssue[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (options.repo !== undefined) {
      clauses.push('repo = ?');
      params.push(options.repo);
    }
    if (options.afterRepo !== undefined) {
      clauses.push('(repo, number) > (?, ?)');
      params.push(options.afterRepo, options.afterNumber ?? Number.MIN_SAFE_INTEGER);
    } else if (options.afterNumber !== undefined) {
      clauses.push('number > ?');
      params.push(options.afterNumber);
    }
    const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
    const rows = this.sql(`SELECT * FROM issues ${where} ORDER BY repo, number LIMIT ?`)
      .all(...params, Math.max(0, Math.floor(options.limit))) as IssueRow[];
    return rows.map(toIssue);
  }

  async issueFingerprint(): Promise<string> {
    const row = this.sql(
      `SELECT COUNT(*) AS n, MAX(updated_at) AS latest, TOTAL(number) AS numbers,
         (SELECT MAX(changed_at_ms) FROM issue_changes) AS changed
       FROM issues`,
    ).get() as { n: number; latest: string | null; numbers: number; changed: number | null };
    return `${row.n}|${row.latest ?? ''}|${row.numbers}|${row.changed ?? ''}`;
  }

  async saveModelVersion(version: ModelVersionRecord, modelJson: string): Promise<void> {
    const save = this.db.transaction(() => {
      if (version.current) this.sql('UPDATE model_versions SET current = 0 WHERE current = 1').run();
      this.sql(
        `INSERT INTO model_versions (version, created_at, training_size, metrics, model_json, current)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (version) DO UPDATE SET
           created_at = excluded.created_at, training_size = excluded.training_size, metrics = excluded.metrics,
           model_json = excluded.model_json, current = excluded.current`,
      ).run(version.version, version.createdAt, version.trainingSize, JSON.stringify(version.metrics), modelJson, version.current ? 1 : 0);
    });
    save.immediate();
  }

  async listModelVersions(): Promise<ModelVersionRecord[]> {
    const rows = this.sql('SELECT version, created_at, training_size, metrics, current FROM model_versions ORDER BY created_at DESC, version DESC')
      .all() as ModelVersionRow[];
    return rows.map(toModelVersion);
  }

  async getModelJson(version: string): Promise<string | null> {
    const row = this.sql('SELECT model_json FROM model_versions WHERE version = ?').get(version) as { model_json: string } | undefined;
    return row ? row.model_json : null;
  }

  async setCurrentModel(version: string): Promise<void> {
    const promote = this.db.transaction(() => {
      if (!this.sql('SELECT 1 FROM model_versions WHERE version = ?').get(version)) {
        throw new Error(`setCurrentModel: no model version ${version}`);
      }
      this.sql('UPDATE model_versions SET current = 0 WHERE current = 1 AND version <> ?').run(version);
      this.sql('UPDATE model_versions SET current = 1 WHERE version = ?').run(version);
    });
    promote.immediate();
  }

  async getSetting(key: string): Promise<string | null> {
    const row = this.sql('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? row.value : null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.sql('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }
}

/** The default store: one SQLite file (created with its folder when missing) or ':memory:'. */
export function createSqliteStore(options: { file: string; issueChangeOverlapMs?: number }): Store {
  const db = openSqliteDatabase(options.file);
  applyMigrations(db, 'store', storeMigrations);
  const checkpointer = options.file === ':memory:' ? null : startCheckpointer(options.file);
  return new SqliteStore(db, checkpointer, options.issueChangeOverlapMs ?? DEFAULT_ISSUE_CHANGE_OVERLAP_MS);
}
