import { setTimeout as sleep } from 'node:timers/promises';
import type { Job, JobHandler, JobInfo, JobInput, JobQueue, JobState, WorkerOptions } from './job-queue.js';

export const defaultLeaseMs = 5 * 60_000;

/** Checked before a queue opens any connection or file. */
export function assertMaxAttempts(maxAttempts: number): void {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new Error(`maxAttempts must be a whole number of at least 1, got ${maxAttempts}`);
  }
}
const defaultDrainTimeoutMs = 30_000;

export interface Worker {
  handler: JobHandler;
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
}

/**
 * What both queue back ends share: workers that poll for due jobs up to a concurrency limit, a
 * stop that lets running jobs finish, and a drain that waits for an empty queue. Each back end
 * supplies how jobs are stored, taken and settled.
 */
export abstract class PollingJobQueue implements JobQueue {
  protected worker: Worker | null = null;
  protected stopping = false;
  protected closed = false;
  protected readonly running = new Set<Promise<void>>();
  protected pollTimer: NodeJS.Timeout | null = null;
  protected readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly timing: { leaseMs: number; pollIntervalMs: number; drainCheckMs: number }) {}

  abstract enqueue(job: JobInput): Promise<boolean>;

  /**
   * All at once (a connection pool spreads them), so a batch takes about as long as one job; a
   * repeated id within the batch is a duplicate of its first copy. Back ends that can insert
   * several jobs in one commit override it.
   */
  async enqueueMany(jobs: readonly JobInput[]): Promise<boolean[]> {
    const firstCopy = new Map<string, number>();
    jobs.forEach((job, i) => {
      if (!firstCopy.has(job.id)) firstCopy.set(job.id, i);
    });
    return Promise.all(jobs.map((job, i) => (firstCopy.get(job.id) === i ? this.enqueue(job) : false)));
  }
  abstract depth(): Promise<{ queued: number; running: number; failed: number }>;
  abstract listJobs(filter: { state?: JobState; limit?: number; id?: string }): Promise<JobInfo[]>;
  abstract retry(id: string): Promise<boolean>;
  /** Takes due jobs while the worker has free slots, and schedules the next poll. */
  protected abstract pump(): void;
  /** Releases the back end's connections, after the workers have stopped. */
  protected abstract release(): Promise<void>;

  start(handler: (job: Job) => Promise<void>, options: WorkerOptions): void {
    if (this.worker) throw new Error('queue workers already started');
    if (this.closed) throw new Error('queue is closed');
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new Error(`worker concurrency must be a whole number of at least 1, got ${options.concurrency}`);
    }
    this.worker = {
      handler,
      concurrency: options.concurrency,
      leaseMs: options.leaseMs ?? this.timing.leaseMs,
      pollIntervalMs: options.pollIntervalMs ?? this.timing.pollIntervalMs,
    };
    this.stopping = false;
    this.pump();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await Promise.allSettled([...this.running]);
    this.worker = null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop();
    this.closed = true;
    await this.release();
  }

  /** Picks a retry up on time instead of at the next poll; the poll timer alone keeps the process alive. */
  protected wakeAfter(delayMs: number): void {
    if (this.stopping) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.pump();
    }, delayMs);
    timer.unref();
    this.retryTimers.add(timer);
  }

  async drain(timeoutMs: number = defaultDrainTimeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { queued, running } = await this.depth();
      if (queued === 0 && running === 0) return;
      if (Date.now() >= deadline) {
        throw new Error(`queue did not drain within ${timeoutMs} ms (${queued} queued, ${running} running)`);
      }
      await sleep(this.timing.drainCheckMs);
    }
  }
}
