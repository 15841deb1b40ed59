/**
 * The durable job queue between the webhook route (which only enqueues) and the workers.
 * SQLite adapter by default; PostgreSQL (pg-boss) when DATABASE_URL is set.
 */
export interface JobInput {
  /** Idempotency key: the GitHub delivery id. Enqueuing the same id twice keeps one job. */
  id: string;
  name: string;
  payload: unknown;
}

export interface Job extends JobInput {
  attempt: number;
  maxAttempts: number;
  createdAt: string;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface JobInfo extends Job {
  state: JobState;
  lastError: string | null;
  updatedAt: string;
  runAt: string;
}

export type JobHandler = (job: Job) => Promise<void>;

export interface WorkerOptions {
  concurrency: number;
  /** How long a taken job is reserved before another worker may take it again. */
  leaseMs?: number;
  pollIntervalMs?: number;
}

export interface JobQueue {
  /** Returns false when a job with this id already exists (a redelivery). */
  enqueue(job: JobInput): Promise<boolean>;
  /** `enqueue` for several jobs at once (one commit where the back end allows); one flag per job, in order. */
  enqueueMany(jobs: readonly JobInput[]): Promise<boolean[]>;
  /** Starts taking jobs; failed jobs are retried with backoff until maxAttempts. */
  start(handler: JobHandler, options: WorkerOptions): void;
  /** Stops taking new jobs and waits for running ones to finish. */
  stop(): Promise<void>;
  /** stop(), then releases the queue's connections. */
  close(): Promise<void>;
  /** Resolves when no job is queued or running (tests and the CLI use it). */
  drain(timeoutMs?: number): Promise<void>;
  depth(): Promise<{ queued: number; running: number; failed: number }>;
  listJobs(filter: { state?: JobState; limit?: number; id?: string }): Promise<JobInfo[]>;
  /** Puts a failed job back in the queue with a fresh set of tries. */
  retry(id: string): Promise<boolean>;
}
