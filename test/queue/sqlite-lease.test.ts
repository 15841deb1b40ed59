import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { JobQueue } from '../../src/queue/job-queue.js';
import { createSqliteQueue } from '../../src/queue/sqlite-queue.js';

describe('SQLite queue leases', () => {
  const queues: JobQueue[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-lease-'));
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renews the lease of a job that outlasts it while its worker lives, so no other worker takes it', async () => {
    const file = path.join(dir, 'jobs.db');
    // Renewed every 300 ms: only a stall of 600 ms on a busy CI machine would hand the job on.
    const leaseMs = 900;
    const first = createSqliteQueue({ file, maxAttempts: 3, leaseMs });
    const second = createSqliteQueue({ file, maxAttempts: 3, leaseMs });
    queues.push(first, second);
    const runs: string[] = [];
    const slowJob = (worker: string) => async () => {
      runs.push(worker);
      await new Promise((resolve) => setTimeout(resolve, 3 * leaseMs));
    };
    await first.enqueue({ id: 'slow-delivery', name: 'issues.opened', payload: {} });
    first.start(slowJob('first'), { concurrency: 1, leaseMs, pollIntervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    second.start(slowJob('second'), { concurrency: 1, leaseMs, pollIntervalMs: 20 });
    await first.drain(10_000);
    expect(runs).toEqual(['first']);
    expect((await second.listJobs({ id: 'slow-delivery' }))[0]).toMatchObject({ state: 'done', attempt: 1 });
  });
});
