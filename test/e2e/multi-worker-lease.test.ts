import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, JobQueue } from '../../src/queue/job-queue.js';
import { createPgBossQueue } from '../../src/queue/pgboss-queue.js';
import { pgBinDir, pgMissingMessage, startPgCluster, type PgCluster } from '../support/pg-cluster.js';

const hasPostgres = pgBinDir() !== null;
if (!hasPostgres) console.warn(pgMissingMessage);

describe.skipIf(!hasPostgres)('a job that outlasts its lease while its worker lives', () => {
  let cluster: PgCluster;
  const opened: JobQueue[] = [];

  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(async () => {
    await Promise.allSettled(opened.map((queue) => queue.close()));
    await cluster?.stop();
  });

  // Found by the soak: GitHub 500s made the client back off for longer than the lease, another
  // worker took the job again, and both tries of the one delivery posted the reply.
  it('stays with that worker: no other worker runs it meanwhile', async () => {
    const leaseMs = 1_000;
    const [first, second] = await Promise.all(
      [1, 2].map(() => createPgBossQueue({ connectionString: cluster.connectionString, schema: 'lease_kept', maxAttempts: 3, leaseMs, poolSize: 3 })),
    );
    opened.push(first, second);
    const runs: Array<{ worker: string; attempt: number }> = [];
    const slowHandler = (worker: string) => async (job: Job) => {
      runs.push({ worker, attempt: job.attempt });
      // Three leases long, and pg-boss's expiry check runs every second.
      await new Promise((resolve) => setTimeout(resolve, 3 * leaseMs + 500));
    };
    first.start(slowHandler('first'), { concurrency: 1, leaseMs, pollIntervalMs: 50 });
    expect(await first.enqueue({ id: 'delivery-slow', name: 'issues.opened', payload: {} })).toBe(true);
    while (runs.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    second.start(slowHandler('second'), { concurrency: 1, leaseMs, pollIntervalMs: 50 });

    await first.drain(15_000);
    expect(runs).toEqual([{ worker: 'first', attempt: 1 }]);
    const [job] = await second.listJobs({ id: 'delivery-slow' });
    expect(job).toMatchObject({ state: 'done', attempt: 1 });
  });
});
