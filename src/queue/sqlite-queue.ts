import type { Logger } from '../log.js';
import { openSqliteDatabase, statementCache, type SqliteDatabase } from '../store/sqlite-database.js';
import { applyMigrations, queueMigrations } from '../store/sqlite-migrations.js';
import { defaultBackoff, describeJobError, planRetry, type BackoffOptions } from './backoff.js';
import { keepLeaseAlive } from './lease.js';
import { assertMaxAttempts, defaultLeaseMs, PollingJobQueue, type Worker } from './polling-queue.js';
import type { Job, JobInfo, JobInput, JobQueue, JobState, WorkerOptions } from './job-queue.js';

export interface SqliteQueueOptions {
  /** The SQLite file (may be the store's own file) or ':memory:'. */
  file: string;
  maxAttempts: number;
  backoff?: BackoffOptions;
  /** Default lease; `start`'s WorkerOptions.leaseMs overrides it. Must exceed the longest job. */
  leaseMs?: number;
  logger?: Logger;
  now?: () => number;
}

const pollIntervalMs = 100;
const drainCheckMs = 10;
/**
 * Finished jobs (payload: the text) are deleted after a week, as pg-boss does, so the file
 * does not grow by one job per delivery forever. A week is well past GitHub's three-day window
 * for redelivering a webhook, so dedupe by delivery id is unaffected. Failed jobs stay until retried.
 */
export const keepDoneJobsMs = 7 * 24 * 3600_000;
const pruneIntervalMs = 3600_000;

interface JobRow {
  id: string;
  name: string;
  payload: string;
  state: JobState;
  attempt: number;
  max_attempts: number;
  run_at_ms: number;
  lease_until_ms: number | null;
  last_error: string | null;
  created_at_ms: number;
  updated_at_ms: number;
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    name: row.name,
    payload: JSON.parse(row.payload),
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    createdAt: new Date(row.created_at_ms).toISOString(),
  };
}

function toJobInfo(row: JobRow): JobInfo {
  return {
    ...toJob(row),
    state: row.state,
    lastError: row.last_error,
    updatedAt: new Date(row.updated_at_ms).toISOString(),
    runAt: new Date(row.run_at_ms).toISOString(),
  };
}

class SqliteQueue extends PollingJobQueue {
  private pruneTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly sql: ReturnType<typeof statementCache>;
  private readonly backoff: BackoffOptions;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly options: SqliteQueueOptions,
  ) {
    super({ leaseMs: options.leaseMs ?? defaultLeaseMs, pollIntervalMs, drainCheckMs });
    this.sql = statementCache(db);
    this.now = options.now ?? Date.now;
    this.backoff = options.backoff ?? defaultBackoff;
  }

  async enqueue(job: JobInput): Promise<boolean> {
    return (await this.enqueueMany([job]))[0];
  }

  /** All jobs in one transaction: under load the commit, not the insert, is what costs. */
  override async enqueueMany(jobs: readonly JobInput[]): Promise<boolean[]> {
    const at = this.now();
    const insert = this.sql(
      `INSERT INTO jobs (id, name, payload, state, attempt, max_attempts, run_at_ms, created_at_ms, updated_at_ms)
       VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    );
    const fresh = this.db.transaction(() =>
      jobs.map((job) => insert.run(job.id, job.name, JSON.stringify(job.payload ?? null), this.options.maxAttempts, at, at, at).changes > 0),
    )();
    if (fresh.includes(true)) this.pump();
    return fresh;
  }

  override start(handler: (job: Job) => Promise<void>, options: WorkerOptions): void {
    super.start(handler, options);
    this.pruneDoneJobs();
    this.pruneTimer = setInterval(() => this.pruneDoneJobs(), pruneIntervalMs);
    this.pruneTimer.unref();
  }

  override async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = null;
    await super.stop();
  }

  private pruneDoneJobs(): void {
    try {
      const pruned = this.sql(`DELETE FROM jobs WHERE state = 'done' AND updated_at_ms < ?`).run(this.now() - keepDoneJobsMs).changes;
      if (pruned > 0) this.options.logger?.info({ pruned }, 'job queue: deleted finished jobs older than a week');
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'job queue: could not delete old finished jobs; trying again in an hour');
    }
  }

  protected async release(): Promise<void> {
    this.db.close();
  }

  async depth(): Promise<{ queued: number; running: number; failed: number }> {
    const rows = this.sql('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as { state: JobState; n: number }[];
    const count = (state: JobState): number => rows.find((row) => row.state === state)?.n ?? 0;
    return { queued: count('queued'), running: count('running'), failed: count('failed') };
  }

  async listJobs(filter: { state?: JobState; limit?: number; id?: string }): Promise<JobInfo[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.state !== undefined) {
      clauses.push('state = ?');
      params.push(filter.state);
    }
    if (filter.id !== undefined) {
      clauses.push('id = ?');
      params.push(filter.id);
    }
    const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
    const rows = this.sql(`SELECT * FROM jobs ${where} ORDER BY updated_at_ms DESC, id LIMIT ?`)
      .all(...params, filter.limit ?? 100) as JobRow[];
    return rows.map(toJobInfo);
  }

  async retry(id: string): Promise<boolean> {
    const at = this.now();
    const result = this.sql(
      `UPDATE jobs SET state = 'queued', attempt = 0, max_attempts = ?, run_at_ms = ?, lease_until_ms = NULL, updated_at_ms = ?
       WHERE id = ? AND state = 'failed'`,
    ).run(this.options.maxAttempts, at, at, id);
    if (result.changes === 0) return false;
    this.pump();
    return true;
  }

  /** Takes as many due jobs as free slots allow, then polls again later for jobs from elsewhere. */
  protected pump(): void {
    const worker = this.worker;
    if (!worker || this.stopping) return;
    try {
      while (this.running.size < worker.concurrency) {
        const row = this.take(worker.leaseMs);
        if (!row) break;
        const run: Promise<void> = this.run(worker, row).finally(() => {
          this.running.delete(run);
          this.pump();
        });
        this.running.add(run);
      }
    } catch (error) {
      this.options.logger?.error({ err: error }, 'job queue: could not take a job; polling again');
    }
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => this.pump(), worker.pollIntervalMs);
  }

  /**
   * Atomically takes the next due job: a queued one whose time has come, or a running one whose
   * lease ran out (its worker died). A job whose lease ran out on its last try fails instead.
   */
  private take(leaseMs: number): JobRow | null {
    // Idle polls only read: the write lock below would otherwise be taken every poll interval,
    // queueing the store's writers on the same file behind an empty transaction.
    const probe = this.now();
    const due = this.sql(
      `SELECT 1 FROM jobs
       WHERE (state = 'queued' AND run_at_ms <= ?) OR (state = 'running' AND lease_until_ms <= ?)
       LIMIT 1`,
    ).get(probe, probe);
    if (!due) return null;
    const takeNext = this.db.transaction((): JobRow | null => {
      const at = this.now();
      const exhausted = this.sql(
        `UPDATE jobs SET state = 'failed', lease_until_ms = NULL, updated_at_ms = ?,
           last_error = 'lease expired on the last try: the worker died or the job outran its lease'
         WHERE state = 'running' AND lease_until_ms <= ? AND attempt >= max_attempts
         RETURNING id`,
      ).all(at, at) as { id: string }[];
      for (const { id } of exhausted) this.options.logger?.error({ jobId: id }, 'job failed: lease expired on its last try');

      const candidate = this.sql(
        `SELECT * FROM jobs
         WHERE (state = 'queued' AND run_at_ms <= ?) OR (state = 'running' AND lease_until_ms <= ?)
         ORDER BY run_at_ms, created_at_ms, id
         LIMIT 1`,
      ).get(at, at) as JobRow | undefined;
      if (!candidate) return null;
      if (candidate.state === 'running') {
        this.options.logger?.warn({ jobId: candidate.id, attempt: candidate.attempt }, 'job lease expired; taking it again');
      }
      return this.sql(
        `UPDATE jobs SET state = 'running', attempt = attempt + 1, lease_until_ms = ?, updated_at_ms = ?,
           last_error = CASE WHEN state = 'running' THEN 'lease expired: the worker died or the job outran its lease' ELSE last_error END
         WHERE id = ?
         RETURNING *`,
      ).get(at + leaseMs, at, candidate.id) as JobRow;
    });
    return takeNext.immediate();
  }

  private async run(worker: Worker, row: JobRow): Promise<void> {
    const job = toJob(row);
    const stopRenewing = keepLeaseAlive({
      jobId: row.id,
      attempt: row.attempt,
      leaseMs: worker.leaseMs,
      renew: () => {
        this.sql(`UPDATE jobs SET lease_until_ms = ? WHERE id = ? AND attempt = ? AND state = 'running'`).run(this.now() + worker.leaseMs, row.id, row.attempt);
      },
      logger: this.options.logger,
    });
    try {
      await worker.handler(job);
    } catch (error) {
      this.settleFailure(row, error);
      return;
    } finally {
      stopRenewing();
    }
    const done = this.sql(
      `UPDATE jobs SET state = 'done', lease_until_ms = NULL, updated_at_ms = ?
       WHERE id = ? AND attempt = ? AND state = 'running'`,
    ).run(this.now(), row.id, row.attempt);
    if (done.changes === 0) {
      this.options.logger?.warn({ jobId: row.id, attempt: row.attempt }, 'job finished after its lease was taken over');
    }
  }

  private settleFailure(row: JobRow, error: unknown): void {
    const plan = planRetry(error, row.attempt, row.max_attempts, this.backoff);
    const lastError = describeJobError(error);
    const at = this.now();
    const log = { jobId: row.id, name: row.name, attempt: row.attempt, maxAttempts: row.max_attempts, err: error };
    // Guarded by attempt: if the lease was taken over, the newer try owns the row.
    if (plan.retry) {
      this.sql(
        `UPDATE jobs SET state = 'queued', run_at_ms = ?, lease_until_ms = NULL, last_error = ?, updated_at_ms = ?
         WHERE id = ? AND attempt = ? AND state = 'running'`,
      ).run(at + plan.delayMs, lastError, at, row.id, row.attempt);
      this.options.logger?.warn({ ...log, delayMs: plan.delayMs }, 'job failed; retrying after backoff');
      this.wakeAfter(plan.delayMs);
    } else {
      this.sql(
        `UPDATE jobs SET state = 'failed', lease_until_ms = NULL, last_error = ?, updated_at_ms = ?
         WHERE id = ? AND attempt = ? AND state = 'running'`,
      ).run(lastError, at, row.id, row.attempt);
      this.options.logger?.error({ ...log, reason: plan.reason }, 'job failed for good');
    }
  }
}

/**
 * The default durable queue: a `jobs` table in SQLite. Jobs are taken under a lease, so a job
 * whose process died is taken again once the lease runs out; failures are retried with backoff.
 */
export function createSqliteQueue(options: SqliteQueueOptions): JobQueue {
  assertMaxAttempts(options.maxAttempts);
  const db = openSqliteDatabase(options.file);
  applyMigrations(db, 'queue', queueMigrations);
  return new SqliteQueue(db, options);
}
