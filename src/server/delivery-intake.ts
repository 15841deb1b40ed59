import type { JobInput, JobQueue } from '../queue/job-queue.js';
import type { Store } from '../store/store.js';
import type { DeliveryRecord } from '../store/types.js';

interface Waiting {
  record: DeliveryRecord;
  job: JobInput | null;
  resolve(fresh: boolean): void;
  reject(error: unknown): void;
}

/** PostgreSQL takes at most 65,535 parameters per statement; a delivery row has eight. */
const maxBatch = 1000;

/**
 * Writes accepted deliveries in groups. Every delivery whose request is checked in the same turn
 * of the event loop is queued in one transaction and recorded in another, instead of two commits
 * each: under a burst of webhooks the commits, not the inserts, were most of the route's time.
 * A caller still gets its answer only once its rows are committed, so a 202 is never premature.
 */
export class DeliveryIntake {
  private waiting: Waiting[] = [];

  constructor(
    private readonly store: Pick<Store, 'recordDeliveries'>,
    private readonly queue: Pick<JobQueue, 'enqueueMany'>,
  ) {}

  /** Queues `job` (when there is one) and records the delivery; false when this delivery id was seen before. */
  accept(record: DeliveryRecord, job: JobInput | null): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => void this.flush());
      this.waiting.push({ record, job, resolve, reject });
      if (this.waiting.length >= maxBatch) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    if (batch.length === 0) return;
    this.waiting = [];
    try {
      const withJobs = batch.filter((entry) => entry.job !== null);
      const queued = withJobs.length > 0 ? await this.queue.enqueueMany(withJobs.map((entry) => entry.job!)) : [];
      const recorded = await this.store.recordDeliveries(batch.map((entry) => entry.record));
      // A job's own id decides for deliveries that carry one: its queue row is what must not be doubled.
      // `queued` follows `withJobs`, which keeps the batch's order.
      let nextQueued = 0;
      batch.forEach((entry, i) => entry.resolve(entry.job !== null ? queued[nextQueued++] : recorded[i]));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
