import pg from 'pg';
import type { Logger } from '../log.js';
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
  StoredIssue,
} from './types.js';
import { containsPattern, DEFAULT_ISSUE_CHANGE_OVERLAP_MS } from './types.js';
import { applyPostgresMigrations, assertSchemaName } from './postgres-migrations.js';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Tables live in this schema (created when missing), so several deployments or test suites can share a database. */
  schema?: string;
  poolSize?: number;
  logger?: Logger;
  /** See DEFAULT_ISSUE_CHANGE_OVERLAP_MS; tests shorten it. */
  issueChangeOverlapMs?: number;
}

const defaultSchema = 'supportbot';
const defaultPageSize = 50;

type Row = Record<string, unknown>;

/** The latest correction of each decision's issue rides along with every decision read. */
const decisionSelect = `
  SELECT d.*, lc.to_topic AS corrected_topic, lc.created_at AS corrected_at, lc.id IS NOT NULL AS was_corrected
  FROM decisions d
  LEFT JOIN LATERAL (
    SELECT c.id, c.to_topic, c.created_at FROM corrections c
    WHERE c.repo = d.repo AND c.issue_number = d.issue_number
    ORDER BY c.created_at DESC, c.id DESC LIMIT 1
  ) lc ON true`;

const decisionColumns = [
  'delivery_id', 'repo', 'issue_number', 'issue_title', 'issue_url', 'model_version', 'ranking', 'topic',
  'confidence', 'abstained', 'missing_info', 'labels', 'resources', 'similar_issues', 'terms', 'mode', 'reply_body',
  'timings', 'received_at', 'decided_at',
] as const;
const jsonDecisionColumns = new Set(['ranking', 'missing_info', 'labels', 'resources', 'similar_issues', 'terms', 'timings']);

function decisionValues(decision: DecisionInput): unknown[] {
  return [
    decision.deliveryId, decision.repo, decision.issueNumber, decision.issueTitle, decision.issueUrl,
    decision.modelVersion, JSON.stringify(decision.ranking), decision.topic, decision.confidence, decision.abstained,
    JSON.stringify(decision.missingInfo), JSON.stringify(decision.labels), JSON.stringify(decision.resources),
    JSON.stringify(decision.similar), JSON.stringify(decision.terms), decision.mode, decision.replyBody,
    JSON.stringify(decision.timings), decision.receivedAt, decision.decidedAt,
  ];
}

const upsertDecisionSql = (() => {
  const placeholders = decisionColumns.map((column, index) => `$${index + 1}${jsonDecisionColumns.has(column) ? '::jsonb' : ''}`);
  // The row keeps its id, reply columns and claim; a posted reply's body is what GitHub shows.
  const updates = decisionColumns
    .filter((column) => column !== 'repo' && column !== 'issue_number')
    .map((column) =>
      column === 'reply_body'
        ? `reply_body = CASE WHEN decisions.reply_state = 'posted' THEN decisions.reply_body ELSE EXCLUDED.reply_body END`
        : `${column} = EXCLUDED.${column}`,
    );
  return `
    INSERT INTO decisions (${decisionColumns.join(', ')}) VALUES (${placeholders.join(', ')})
    ON CONFLICT (repo, issue_number) DO UPDATE SET ${updates.join(', ')}
    RETURNING id`;
})();

function wholeAtLeastZero(value: number): number {
  return Math.max(0, Math.floor(value));
}

/** bigint columns come back as strings from pg; GitHub ids fit a double comfortably. */
function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function toDecision(row: Row): DecisionRecord {
  return {
    id: row.id as number,
    deliveryId: row.delivery_id as string,
    repo: row.repo as string,
    issueNumber: row.issue_number as number,
    issueTitle: row.issue_title as string,
    issueUrl: row.issue_url as string,
    modelVersion: row.model_version as string,
    ranking: row.ranking as DecisionRecord['ranking'],
    topic: row.topic as string | null,
    confidence: row.confidence as number,
    abstained: row.abstained as boolean,
    missingInfo: row.missing_info as string[],
    labels: row.labels as string[],
    resources: row.resources as DecisionRecord['resources'],
    similar: row.similar_issues as DecisionRecord['similar'],
    terms: row.terms as DecisionRecord['terms'],
    mode: row.mode as DecisionRecord['mode'],
    replyBody: row.reply_body as string | null,
    timings: row.timings as Record<string, number>,
    receivedAt: row.received_at as string,
    decidedAt: row.decided_at as string,
    replyState: row.reply_state as DecisionRecord['replyState'],
    replyCommentId: toNumberOrNull(row.reply_comment_id),
    replyUrl: row.reply_url as string | null,
    repliedAt: row.replied_at as string | null,
    correctedTopic: row.was_corrected ? (row.corrected_topic as string | null) : undefined,
    correctedAt: row.was_corrected ? (row.corrected_at as string) : null,
  };
}

function toDelivery(row: Row): DeliveryRecord {
  return {
    deliveryId: row.delivery_id as string,
    event: row.event as string,
    action: row.action as string | null,
    repo: row.repo as string | null,
    issueNumber: row.issue_number as number | null,
    receivedAt: row.received_at as string,
    status: row.status as DeliveryRecord['status'],
    reason: row.reason as string | null,
  };
}

function toCorrection(row: Row): CorrectionRecord {
  return {
    id: row.id as number,
    repo: row.repo as string,
    issueNumber: row.issue_number as number,
    decisionId: row.decision_id as number | null,
    fromTopic: row.from_topic as string | null,
    toTopic: row.to_topic as string | null,
    actor: row.actor as string,
    source: row.source as CorrectionRecord['source'],
    createdAt: row.created_at as string,
  };
}

/** The database's clock, not the worker's: every worker stamps and reads changes by the same one. */
const storeClockMsSql = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';
/**
 * Stamps the issue in $1 (repo) and $2 (number) as changed now; follows the statement's write.
 * Each write of one issue gets a later stamp than the one before, even within a millisecond.
 */
const noteIssueChangeSql = `
  INSERT INTO issue_changes (repo, number, changed_at_ms) VALUES ($1, $2, ${storeClockMsSql})
  ON CONFLICT (repo, number) DO UPDATE SET changed_at_ms = GREATEST(EXCLUDED.changed_at_ms, issue_changes.changed_at_ms + 1)`;

function toIssue(row: Row): StoredIssue {
  return {
    repo: row.repo as string,
    number: row.number as number,
    title: row.title as string,
    body: row.body as string,
    state: row.state as StoredIssue['state'],
    answered: row.answered as boolean,
    isPrivate: row.is_private as boolean,
    url: row.url as string,
    updatedAt: row.updated_at as string,
  };
}

function toModelVersion(row: Row): ModelVersionRecord {
  return {
    version: row.version as string,
    createdAt: row.created_at as string,
    trainingSize: row.training_size as number,
    metrics: row.metrics as Record<string, unknown>,
    current: row.current as boolean,
  };
}

/** Builds the WHERE clause of a decision listing; values are always bound, never spliced. */
function decisionWhere(filter: DecisionFilter): { sql: string; values: unknown[] } {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const bind = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filter.repo !== undefined) conditions.push(`d.repo = ${bind(filter.repo)}`);
  if (filter.topic !== undefined) conditions.push(`d.topic = ${bind(filter.topic)}`);
  if (filter.abstained !== undefined) conditions.push(`d.abstained = ${bind(filter.abstained)}`);
  if (filter.replyState !== undefined) conditions.push(`d.reply_state = ${bind(filter.replyState)}`);
  if (filter.corrected !== undefined) conditions.push(filter.corrected ? 'lc.id IS NOT NULL' : 'lc.id IS NULL');
  if (filter.since !== undefined) conditions.push(`d.decided_at >= ${bind(filter.since)}`);
  if (filter.until !== undefined) conditions.push(`d.decided_at < ${bind(filter.until)}`);
  if (filter.search !== undefined && filter.search.trim() !== '') {
    conditions.push(`d.issue_title ILIKE ${bind(containsPattern(filter.search.trim()))} ESCAPE '\\'`);
  }
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', values };
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, mode = ''): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(`BEGIN ${mode}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Two processes switching the current model at once would both clear the old one and then
 * collide on the one-current index; taking turns keeps the switch a clean hand-over.
 */
async function lockCurrentModel(client: pg.PoolClient): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.current_model'))");
}

/**
 * The Store on PostgreSQL, for deployments that run several bot processes against one database.
 * Same tables, constraints and semantics as the SQLite store; JSON fields are JSONB.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = options.schema ?? defaultSchema;
  assertSchemaName(schema);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    options: `-c search_path=${schema}`,
    application_name: 'supportbot',
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'PostgreSQL store: an idle connection failed'));

  const migrationClient = await pool.connect().catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  try {
    await applyPostgresMigrations(migrationClient, schema);
  } catch (error) {
    migrationClient.release();
    await pool.end();
    throw error;
  }
  migrationClient.release();

  const query = <R extends pg.QueryResultRow = Row>(text: string, values?: unknown[]) => pool.query<R>(text, values);
  const issueChangeOverlapMs = options.issueChangeOverlapMs ?? DEFAULT_ISSUE_CHANGE_OVERLAP_MS;
  const issueChangeCursor = async (): Promise<number> => {
    const { rows } = await query<{ now_ms: string }>(`SELECT ${storeClockMsSql} AS now_ms`);
    return Number(rows[0]?.now_ms) - issueChangeOverlapMs;
  };

  const getDecisionWhere = async (condition: string, values: unknown[]): Promise<DecisionRecord | null> => {
    const { rows } = await query(`${decisionSelect} WHERE ${condition}`, values);
    return rows[0] ? toDecision(rows[0]) : null;
  };

  /** A missing decision is a caller's bug, not a lost race: say so instead of answering false. */
  const requireDecision = async (decisionId: number, operation: string): Promise<void> => {
    const { rowCount } = await query('SELECT 1 FROM decisions WHERE id = $1', [decisionId]);
    if (rowCount !== 1) throw new Error(`${operation}: no decision with id ${decisionId}`);
  };

  const recordDeliveries = async (deliveries: readonly DeliveryRecord[]): Promise<boolean[]> => {
    if (deliveries.length === 0) return [];
    const values: unknown[] = [];
    const tuples = deliveries.map((delivery) => {
      const first = values.length;
      values.push(delivery.deliveryId, delivery.event, delivery.action, delivery.repo, delivery.issueNumber, delivery.receivedAt, delivery.status, delivery.reason);
      return `(${Array.from({ length: 8 }, (_, k) => `$${first + k + 1}`).join(', ')})`;
    });
    const { rows } = await query<{ delivery_id: string }>(
      `INSERT INTO deliveries (delivery_id, event, action, repo, issue_number, received_at, status, reason)
       VALUES ${tuples.join(', ')} ON CONFLICT (delivery_id) DO NOTHING RETURNING delivery_id`,
      values,
    );
    const inserted = new Set(rows.map((row) => row.delivery_id));
    // Set.delete is true once per id: a second copy of one delivery in the same batch is a redelivery.
    return deliveries.map((delivery) => inserted.delete(delivery.deliveryId));
  };

  return {
    kind: 'postgres',

    async ping() {
      try {
        await query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },

    async close() {
      if (pool.ending) return;
      await pool.end();
    },

    async recordDelivery(delivery) {
      return (await recordDeliveries([delivery]))[0];
    },

    recordDeliveries,

    async getDelivery(deliveryId) {
      const { rows } = await query('SELECT * FROM deliveries WHERE delivery_id = $1', [deliveryId]);
      return rows[0] ? toDelivery(rows[0]) : null;
    },

    async countDeliveries() {
      const { rows } = await query<{ count: number }>('SELECT count(*)::int AS count FROM deliveries');
      return rows[0].count;
    },

    async saveDecision(decision) {
      const { rows } = await query<{ id: number }>(upsertDecisionSql, decisionValues(decision));
      const saved = await getDecisionWhere('d.id = $1', [rows[0].id]);
      if (!saved) throw new Error(`decision ${rows[0].id} vanished right after it was saved`);
      return saved;
    },

    getDecision(id) {
      return getDecisionWhere('d.id = $1', [id]);
    },

    getDecisionForIssue(repo, issueNumber) {
      return getDecisionWhere('d.repo = $1 AND d.issue_number = $2', [repo, issueNumber]);
    },

    async listDecisions(filter) {
      const where = decisionWhere(filter);
      const limit = wholeAtLeastZero(filter.limit ?? defaultPageSize);
      const offset = wholeAtLeastZero(filter.offset ?? 0);
      const page = where.values.length;
      // One snapshot for the page and the count, so the total always describes the same rows.
      return inTransaction(pool, async (client) => {
        const total = await client.query<{ total: number }>(`SELECT count(*)::int AS total FROM (${decisionSelect} ${where.sql}) matching`, where.values);
        const items = await client.query(
          `${decisionSelect} ${where.sql} ORDER BY d.decided_at DESC, d.id DESC LIMIT $${page + 1} OFFSET $${page + 2}`,
          [...where.values, limit, offset],
        );
        return { items: items.rows.map(toDecision), total: total.rows[0].total };
      }, 'ISOLATION LEVEL REPEATABLE READ READ ONLY');
    },

    async claimReply(decisionId, deliveryId) {
      const result = await query(
        `UPDATE decisions SET reply_claimed_by = $2
         WHERE id = $1 AND reply_state <> 'posted' AND (reply_claimed_by IS NULL OR reply_claimed_by = $2)`,
        [decisionId, deliveryId],
      );
      if (result.rowCount === 1) return true;
      await requireDecision(decisionId, 'claimReply');
      return false;
    },

    async markReplied(decisionId, reply) {
      const result = await query(
        `UPDATE decisions SET reply_state = 'posted', reply_comment_id = $2, reply_url = $3, reply_body = $4, replied_at = $5
         WHERE id = $1 AND reply_state <> 'posted'`,
        [decisionId, reply.commentId, reply.url, reply.body, reply.at],
      );
      if (result.rowCount === 1) return true;
      await requireDecision(decisionId, 'markReplied');
      return false;
    },

    async setReplyState(decisionId, state, body) {
      await query(
        `UPDATE decisions SET reply_state = $2, reply_body = COALESCE($3, reply_body)
         WHERE id = $1 AND reply_state <> 'posted'`,
        [decisionId, state, body ?? null],
      );
    },

    async recordCorrection(correction: CorrectionInput) {
      const { rows } = await query(
        `INSERT INTO corrections (repo, issue_number, decision_id, from_topic, to_topic, actor, source, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [correction.repo, correction.issueNumber, correction.decisionId, correction.fromTopic, correction.toTopic, correction.actor, correction.source, correction.createdAt],
      );
      return toCorrection(rows[0]);
    },

    async listCorrections(filter = {}) {
      const conditions: string[] = [];
      const values: unknown[] = [];
      if (filter.repo !== undefined) {
        values.push(filter.repo);
        conditions.push(`repo = $${values.length}`);
      }
      if (filter.since !== undefined) {
        values.push(filter.since);
        conditions.push(`created_at >= $${values.length}`);
      }
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      const { rows } = await query(`SELECT * FROM corrections ${where} ORDER BY created_at, id`, values);
      return rows.map(toCorrection);
    },

    async upsertIssue(issue) {
      // One statement, so the issue and its change stamp commit together.
      await query(
        `WITH written AS (
           INSERT INTO issues (repo, number, title, body, state, answered, is_private, url, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (repo, number) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body, state = EXCLUDED.state,
             answered = EXCLUDED.answered, is_private = EXCLUDED.is_private, url = EXCLUDED.url, updated_at = EXCLUDED.updated_at
         )
         ${noteIssueChangeSql}`,
        [issue.repo, issue.number, issue.title, issue.body, issue.state, issue.answered, issue.isPrivate, issue.url, issue.updatedAt],
      );
    },

    async deleteIssue(repo, issueNumber) {
      await query(`WITH removed AS (DELETE FROM issues WHERE repo = $1 AND number = $2) ${noteIssueChangeSql}`, [repo, issueNumber]);
    },

    issueChangeCursor,

    async issueChangesSince(cursor) {
      const next = await issueChangeCursor();
      const { rows } = await query(
        `SELECT c.repo AS changed_repo, c.number AS changed_number, c.changed_at_ms, i.*
         FROM issue_changes c LEFT JOIN issues i ON i.repo = c.repo AND i.number = c.number
         WHERE c.changed_at_ms >= $1 ORDER BY c.changed_at_ms`,
        [Math.floor(cursor)],
      );
      const changes: IssueChange[] = rows.map((row) => ({
        repo: row.changed_repo as string,
        number: row.changed_number as number,
        issue: row.repo === null ? null : toIssue(row),
        changedAtMs: Number(row.changed_at_ms),
      }));
      return { changes, cursor: next };
    },

    async listIssues(options) {
      const conditions: string[] = [];
      const values: unknown[] = [];
      if (options.repo !== undefined) {
        values.push(options.repo);
        conditions.push(`repo = $${values.length}`);
      }
      if (options.afterRepo !== undefined) {
        values.push(options.afterRepo, options.afterNumber ?? Number.MIN_SAFE_INTEGER);
        conditions.push(`(repo, number) > ($${values.length - 1}, $${values.length}::bigint)`);
      } else if (options.afterNumber !== undefined) {
        values.push(options.afterNumber);
        conditions.push(`number > $${values.length}`);
      }
      values.push(wholeAtLeastZero(options.limit));
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      const { rows } = await query(`SELECT * FROM issues ${where} ORDER BY repo, number LIMIT $${values.length}`, values);
      return rows.map(toIssue);
    },

    async issueFingerprint() {
      const { rows } = await query(
        `SELECT COUNT(*)::bigint AS n, MAX(updated_at) AS latest, COALESCE(SUM(number), 0)::bigint AS numbers,
           (SELECT MAX(changed_at_ms) FROM issue_changes) AS changed
         FROM issues`,
      );
      const row = rows[0] as { n: string; latest: string | null; numbers: string; changed: string | null };
      return `${Number(row.n)}|${row.latest ?? ''}|${Number(row.numbers)}|${row.changed ?? ''}`;
    },

    async saveModelVersion(version, modelJson) {
      await inTransaction(pool, async (client) => {
        await lockCurrentModel(client);
        if (version.current) await client.query('UPDATE model_versions SET current = false WHERE current AND version <> $1', [version.version]);
        await client.query(
          `INSERT INTO model_versions (version, created_at, training_size, metrics, current, model_json)
           VALUES ($1, $2, $3, $4::jsonb, $5, $6)
           ON CONFLICT (version) DO UPDATE SET created_at = EXCLUDED.created_at, training_size = EXCLUDED.training_size,
             metrics = EXCLUDED.metrics, current = EXCLUDED.current, model_json = EXCLUDED.model_json`,
          [version.version, version.createdAt, version.trainingSize, JSON.stringify(version.metrics), version.current, modelJson],
        );
      });
    },

    async listModelVersions() {
      const { rows } = await query('SELECT version, created_at, training_size, metrics, current FROM model_versions ORDER BY created_at DESC, version DESC');
      return rows.map(toModelVersion);
    },

    async getModelJson(version) {
      const { rows } = await query<{ model_json: string }>('SELECT model_json FROM model_versions WHERE version = $1', [version]);
      return rows[0]?.model_json ?? null;
    },

    async setCurrentModel(version) {
      await inTransaction(pool, async (client) => {
        await lockCurrentModel(client);
        const { rowCount } = await client.query('SELECT 1 FROM model_versions WHERE version = $1 FOR UPDATE', [version]);
        if (rowCount !== 1) throw new Error(`unknown model version: ${version}`);
        await client.query('UPDATE model_versions SET current = false WHERE current AND version <> $1', [version]);
        await client.query('UPDATE model_versions SET current = true WHERE version = $1', [version]);
      });
    },

    async getSetting(key) {
      const { rows } = await query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
      return rows[0]?.value ?? null;
    },

    async setSetting(key, value) {
      await query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [key, value]);
    },
  };
}
