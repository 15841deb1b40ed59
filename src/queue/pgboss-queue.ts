import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { defaultBackoff, describeJobError, planRetry, type BackoffOptions } from './backoff.js';
import { keepLeaseAlive } from './lease.js';
import { assertMaxAttempts, defaultLeaseMs, PollingJobQueue, type Worker } from './polling-queue.js';
import type { Job, JobInfo, JobInput, JobQueue, JobState } from './job-queue.js';

export interface PgBossQueueOptions {
  connectionString: string;
  /** pg-boss's tables live in this schema (created when missing). */
  schema?: string;
  maxAttempts: number;
  backoff?: BackoffOptions;
  /** Default lease; `start`'s WorkerOptions.leaseMs overrides it. Must exceed the longest job. */
  leaseMs?: number;
  logger?: Logger;
  poolSize?: number;
}

const defaultSchema = 'pgboss';
/** Every job goes to one pg-boss queue, so job ids are unique across job names as in SQLite. */
const queueName = 'supportbot-jobs';
const pollIntervalMs = 200;
const drainCheckMs = 25;
/** Failed jobs stay visible (dashboard, `retry`) this long before pg-boss archives them. */
const keepFailedSeconds = 30 * 24 * 3600;

/** A fixed namespace for the name-based job UUIDs; changing it would break deduplication of queued jobs. */
const jobIdNamespace = Buffer.from('5b0a3f7e9c2d4e61a8f4c3b2d1e0f9a7', 'hex');

/**
 * pg-boss ids must be UUIDs, but ours are GitHub delivery ids. A name-based (version 5 style,
 * SHA-1) UUID of the delivery id is the same on every redelivery, so pg-boss's primary key
 * rejects the duplicate; the original id travels in the payload.
 */
function jobUuid(id: string): string {
  const bytes = createHash('sha1').update(jobIdNamespace).update(id, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const envelopeSchema = z.object({ id: z.string(), name: z.string(), payload: z.unknown() });
type Envelope = z.infer<typeof envelopeSchema>;

/** The pg-boss states behind each state of the port. */
const pgStatesOf: Record<JobState, string[]> = {
  queued: ['created', 'retry'],
  running: ['active'],
  done: ['completed'],
  failed: ['failed', 'cancelled'],
};

function portStateOf(pgState: string): JobState {
  return (Object.keys(pgStatesOf) as JobState[]).find((state) => pgStatesOf[state].includes(pgState)) ?? 'failed';
}

/** pg-boss keeps a failure in `output`; its own lease-expiry failures nest it under `value`. */
function lastErrorOf(output: unknown): string | null {
  if (!output || typeof output !== 'object') return null;
  const record = output as { message?: unknown; value?: { message?: unknown } };
  if (typeof record.message === 'string') return record.message;
  if (typeof record.value?.message === 'string') return record.value.message;
  return null;
}

interface JobRow {
  data: unknown;
  state: string;
  retry_count: number;
  retry_limit: number;
  started_on: Date | null;
  created_on: Date;
  updated_on: Date;
  start_after: Date;
  output: unknown;
}

function toEnvelope(data: unknown): Envelope {
  const parsed = envelopeSchema.safeParse(data);
  return parsed.success ? parsed.data : { id: '(unreadable)', name: '(unreadable)', payload: data };
}

function toJobInfo(row: JobRow): JobInfo {
  const envelope = toEnvelope(row.data);
  return {
    id: envelope.id,
    name: envelope.name,
    payload: envelope.payload,
    // pg-boss counts re-takes in retry_count; a job never taken has no started_on.
    attempt: row.started_on === null ? 0 : row.retry_count + 1,
    maxAttempts: row.retry_limit + 1,
    createdAt: row.created_on.toISOString(),
    state: portStateOf(row.state),
    lastError: lastErrorOf(row.output),
    updatedAt: row.updated_on.toISOString(),
    runAt: row.start_after.toISOString(),
  };
}

type TakenJob = PgBoss.JobWithMetadata<unknown>;

class PgBossQueue extends PollingJobQueue {
  private readonly table: string;
  private readonly archiveTable: string;
  private readonly stateType: string;
  private fetching = false;

  constructor(
    private readonly boss: PgBoss,
    schema: string,
    private readonly options: PgBossQueueOptions & { leaseMs: number; backoff: BackoffOptions },
  ) {
    super({ leaseMs: options.leaseMs, pollIntervalMs, drainCheckMs });
    this.table = `${schema}.job`;
    this.archiveTable = `${schema}.archive`;
    this.stateType = `${schema}.job_state`;
  }

  private sql<R = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<{ rows: R[]; rowCount?: number | null }> {
    // pg-boss's closed pool answers with nothing at all; say what happened instead.
    if (this.closed) return Promise.reject(new Error('queue is closed'));
    return this.boss.getDb().executeSql(text, values) as Promise<{ rows: R[]; rowCount?: number | null }>;
  }

  async enqueue(job: JobInput): Promise<boolean> {
    const uuid = jobUuid(job.id);
    // pg-boss moves finished jobs to its archive after a while; a redelivery then must still be a duplicate.
    const archived = await this.sql(`SELECT 1 FROM ${this.archiveTable} WHERE name = $1 AND id = $2`, [queueName, uuid]);
    if (archived.rows.length > 0) return false;
    const envelope: Envelope = { id: job.id, name: job.name, payload: job.payload ?? null };
    const created = await this.boss.send(queueName, envelope, {
      id: uuid,
      retryLimit: this.options.maxAttempts - 1,
      expireInSeconds: leaseSeconds(this.options.leaseMs),
    });
    if (created === null) return false;
    this.pump();
    return true;
  }

  protected async release(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, close: true, timeout: 1_000 });
  }

  async depth(): Promise<{ queued: number; running: number; failed: number }> {
    const { rows } = await this.sql<{ state: string; n: number }>(
      `SELECT state::text AS state, count(*)::int AS n FROM ${this.table} WHERE name = $1 GROUP BY state`,
      [queueName],
    );
    const count = (state: JobState) => rows.filter((row) => pgStatesOf[state].includes(row.state)).reduce((sum, row) => sum + row.n, 0);
    return { queued: count('queued'), running: count('running'), failed: count('failed') };
  }

  async listJobs(filter: { state?: JobState; limit?: number; id?: string }): Promise<JobInfo[]> {
    const values: unknown[] = [queueName];
    const conditions = ['name = $1'];
    if (filter.state !== undefined) {
      values.push(pgStatesOf[filter.state]);
      conditions.push(`state::text = ANY($${values.length}::text[])`);
    }
    if (filter.id !== undefined) {
      values.push(jobUuid(filter.id));
      conditions.push(`id = $${values.length}`);
    }
    values.push(filter.limit ?? 100);
    const { rows } = await this.sql<JobRow>(
      `SELECT data, state::text AS state, retry_count, retry_limit, started_on, created_on, start_after, output,
              GREATEST(created_on, started_on, completed_on) AS updated_on
       FROM ${this.table} WHERE ${conditions.join(' AND ')}
       ORDER BY updated_on DESC, id LIMIT $${values.length}`,
      values,
    );
    return rows.map(toJobInfo);
  }

  async retry(id: string): Promise<boolean> {
    // pg-boss's own retry() grants one more try; the port promises a fresh set, so reset the count.
    const result = await this.sql(
      `UPDATE ${this.table}
       SET state = 'created', retry_count = 0, retry_limit = $3, started_on = NULL, completed_on = NULL,
           start_after = now(), keep_until = now() + interval '14 days'
       WHERE name = $1 AND id = $2 AND state = 'failed'`,
      [queueName, jobUuid(id), this.options.maxAttempts - 1],
    );
    if (result.rowCount !== 1) return false;
    this.pump();
    return true;
  }

  /** Takes as many due jobs as free slots allow, then polls again later for jobs from elsewhere. */
  protected pump(): void {
    const worker = this.worker;
    if (!worker || this.stopping) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => this.pump(), worker.pollIntervalMs);
    if (this.fetching) return;
    this.fetching = true;
    this.fill(worker)
      .catch((error: unknown) => this.options.logger?.error({ err: error }, 'job queue: could not take a job; polling again'))
      .finally(() => {
        this.fetching = false;
      });
  }

  private async fill(worker: Worker): Promise<void> {
    while (!this.stopping && this.worker === worker && this.running.size < worker.concurrency) {
      // SKIP LOCKED in pg-boss's fetch: two processes never take the same job.
      const [taken] = await this.boss.fetch<unknown>(queueName, { batchSize: 1, includeMetadata: true, priority: false });
      if (!taken) return;
      const run: Promise<void> = this.run(worker, taken).finally(() => {
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
    }
  }

  private async run(worker: Worker, taken: TakenJob): Promise<void> {
    const fence = taken.retryCount;
    if (Number(taken.expireInSeconds) * 1000 !== worker.leaseMs) await this.setLease(taken.id, fence, worker.leaseMs);
    const stopRenewing = keepLeaseAlive({
      jobId: taken.id,
      attempt: fence + 1,
      leaseMs: worker.leaseMs,
      renew: () => this.setLease(taken.id, fence, worker.leaseMs),
      logger: this.options.logger,
    });
    try {
      await this.runTaken(worker, taken, fence);
    } finally {
      stopRenewing();
    }
  }

  private async runTaken(worker: Worker, taken: TakenJob, fence: number): Promise<void> {
    const parsed = envelopeSchema.safeParse(taken.data);
    if (!parsed.success) {
      await this.settle(taken, fence, { state: 'failed', lastError: `job payload is not a supportbot job: ${parsed.error.message}` });
      return;
    }
    const job: Job = {
      id: parsed.data.id,
      name: parsed.data.name,
      payload: parsed.data.payload,
      attempt: fence + 1,
      maxAttempts: taken.retryLimit + 1,
      createdAt: new Date(taken.createdOn).toISOString(),
    };
    try {
      await worker.handler(job);
    } catch (error) {
      await this.settleFailure(taken, fence, job, error);
      return;
    }
    // Keep the last failure of earlier tries visible, as the SQLite queue does.
    await this.settle(taken, fence, { state: 'completed', lastError: lastErrorOf(taken.output) });
  }

  private async setLease(uuid: string, fence: number, leaseMs: number): Promise<void> {
    await this.sql(
      // pg-boss expires a job at started_on + expire_in: the lease runs from now, however long the job has run.
      `UPDATE ${this.table} SET expire_in = (now() - started_on) + $4 * interval '1 millisecond'
       WHERE name = $1 AND id = $2 AND state = 'active' AND retry_count = $3`,
      [queueName, uuid, fence, leaseMs],
    );
  }

  private async settleFailure(taken: TakenJob, fence: number, job: Job, error: unknown): Promise<void> {
    const plan = planRetry(error, job.attempt, job.maxAttempts, this.options.backoff);
    const lastError = describeJobError(error);
    const log = { jobId: job.id, name: job.name, attempt: job.attempt, maxAttempts: job.maxAttempts, err: error };
    if (plan.retry) {
      await this.settle(taken, fence, { state: 'retry', lastError, delayMs: plan.delayMs });
      this.options.logger?.warn({ ...log, delayMs: plan.delayMs }, 'job failed; retrying after backoff');
      this.wakeAfter(plan.delayMs);
    } else {
      await this.settle(taken, fence, { state: 'failed', lastError });
      this.options.logger?.error({ ...log, reason: plan.reason }, 'job failed for good');
    }
  }

  /**
   * Records the outcome of one try. Fenced by the try count: when the lease ran out and another
   * worker took the job again, that newer try owns the row and this late outcome is dropped
   * (pg-boss's complete/fail would overwrite the other worker's run).
   */
  private async settle(
    taken: TakenJob,
    fence: number,
    outcome: { state: 'completed' | 'failed' | 'retry'; lastError: string | null; delayMs?: number },
  ): Promise<void> {
    const output = outcome.lastError === null ? null : JSON.stringify({ message: outcome.lastError });
    const result = await this.sql(
      `UPDATE ${this.table}
       SET state = $4::text::${this.stateType}, output = $5::jsonb,
           completed_on = CASE WHEN $4 = 'retry' THEN NULL ELSE now() END,
           start_after = CASE WHEN $4 = 'retry' THEN now() + $6 * interval '1 millisecond' ELSE start_after END
       WHERE name = $1 AND id = $2 AND state = 'active' AND retry_count = $3`,
      [queueName, taken.id, fence, outcome.state, output, outcome.delayMs ?? 0],
    );
    if (result.rowCount !== 1) {
      this.options.logger?.warn({ jobId: taken.id, attempt: fence + 1 }, 'job finished after its lease was taken over');
    }
  }
}

/** pg-boss takes whole seconds, at least one, for the lease it records at send time. */
function leaseSeconds(leaseMs: number): number {
  return Math.max(1, Math.ceil(leaseMs / 1000));
}

const deadlockDetected = '40P01';

/**
 * pg-boss 10 needs the queue created before use. Processes starting together can deadlock inside
 * pg-boss's create_queue (each creates and attaches the queue's partition); creating a queue is
 * idempotent, so the loser simply tries again.
 */
async function ensureQueue(boss: PgBoss, queue: PgBoss.Queue): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (await boss.getQueue(queue.name)) return;
    try {
      await boss.createQueue(queue.name, queue);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== deadlockDetected || attempt >= 5) throw error;
      await sleep(20 * attempt + Math.random() * 50);
    }
  }
}

/**
 * The durable queue on PostgreSQL via pg-boss 10, for several bot processes sharing one database.
 * pg-boss provides the schema, deduplicated inserts, SKIP LOCKED fetching and the maintenance
 * that hands back jobs whose lease ran out (their worker died); outcomes are recorded here so
 * retries follow the same backoff and non-retryable rules as the SQLite queue.
 */
export async function createPgBossQueue(options: PgBossQueueOptions): Promise<JobQueue> {
  assertMaxAttempts(options.maxAttempts);
  const schema = options.schema ?? defaultSchema;
  if (!/^[a-z_][a-z0-9_]{0,49}$/.test(schema)) {
    throw new Error(`pg-boss schema name must be a lower-case identifier (a-z, 0-9, _): ${JSON.stringify(schema)}`);
  }
  const leaseMs = options.leaseMs ?? defaultLeaseMs;
  const backoff = options.backoff ?? defaultBackoff;
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema,
    max: options.poolSize ?? 10,
    application_name: 'supportbot-queue',
    schedule: false,
    supervise: true,
    // Expired leases are only noticed by maintenance, so it runs often relative to the lease.
    maintenanceIntervalSeconds: Math.min(60, Math.max(1, Math.ceil(leaseMs / 2000))),
    archiveFailedAfterSeconds: keepFailedSeconds,
  });
  boss.on('error', (error: Error) => options.logger?.error({ err: error }, 'pg-boss error'));
  await boss.start();
  try {
    await ensureQueue(boss, {
      name: queueName,
      retryLimit: options.maxAttempts - 1,
      // Used by pg-boss itself when a lease runs out; our own failures set their delay explicitly.
      retryDelay: Math.round(backoff.baseMs / 1000),
      retryBackoff: true,
      expireInSeconds: leaseSeconds(leaseMs),
    });
  } catch (error) {
    await boss.stop({ graceful: false, close: true });
    throw error;
  }
  return new PgBossQueue(boss, schema, { ...options, leaseMs, backoff });
}
