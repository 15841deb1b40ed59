import { afterEach, describe, expect, it } from 'vitest';
import { SbError } from '../../src/errors.js';
import type { Job, JobQueue } from '../../src/queue/job-queue.js';

export interface QueueUnderTest {
  queue: JobQueue;
  /** A second queue on the same storage, as after a process restart. */
  reopen(): Promise<JobQueue>;
  /** Stops every queue made by this factory call and removes the storage. */
  cleanup(): Promise<void>;
}

/**
 * The behaviour every JobQueue adapter must show. The factory should use a small backoff (a few
 * milliseconds) so retries happen quickly; `leaseMs` is passed where a test needs a lease to run out.
 */
export function describeQueueContract(
  name: string,
  makeQueue: (options: { maxAttempts: number; leaseMs?: number }) => Promise<QueueUnderTest>,
): void {
  describe(`JobQueue contract: ${name}`, () => {
    let current: QueueUnderTest | null = null;
    const open = async (options: { maxAttempts: number; leaseMs?: number }): Promise<QueueUnderTest> => {
      current = await makeQueue(options);
      return current;
    };

    afterEach(async () => {
      await current?.cleanup();
      current = null;
    });

    it('keeps one job per id and reports duplicates', async () => {
      const { queue } = await open({ maxAttempts: 3 });
      expect(await queue.enqueue({ id: 'delivery-1', name: 'triage', payload: { repo: 'acme/app', issue: 4 } })).toBe(true);
      expect(await queue.enqueue({ id: 'delivery-1', name: 'triage', payload: { other: true } })).toBe(false);
      expect(await queue.depth()).toEqual({ queued: 1, running: 0, failed: 0 });
      const [info] = await queue.listJobs({ id: 'delivery-1' });
      expect(info).toMatchObject({ id: 'delivery-1', name: 'triage', payload: { repo: 'acme/app', issue: 4 }, state: 'queued', maxAttempts: 3, lastError: null });
      expect(Date.parse(info.createdAt)).not.toBeNaN();
      expect(Date.parse(info.runAt)).not.toBeNaN();
      expect(Date.parse(info.updatedAt)).not.toBeNaN();
    });

    it('enqueues a batch in order, one flag per job, a repeated id within it being a duplicate', async () => {
      const { queue } = await open({ maxAttempts: 3 });
      await queue.enqueue({ id: 'earlier', name: 'triage', payload: null });
      const fresh = await queue.enqueueMany(['m-1', 'earlier', 'm-2', 'm-1'].map((id, n) => ({ id, name: 'triage', payload: { n } })));
      expect(fresh).toEqual([true, false, true, false]);
      expect(await queue.depth()).toEqual({ queued: 3, running: 0, failed: 0 });
      expect((await queue.listJobs({ id: 'm-1' }))[0].payload).toEqual({ n: 0 });
    });

    it('runs a job exactly once and hands the handler its id, name, payload and attempt', async () => {
      const { queue } = await open({ maxAttempts: 3 });
      const seen: Job[] = [];
      queue.start(async (job) => {
        seen.push(job);
      }, { concurrency: 2, pollIntervalMs: 20 });
      await queue.enqueue({ id: 'once', name: 'triage', payload: { n: 1 } });
      await queue.enqueue({ id: 'once', name: 'triage', payload: { n: 2 } });
      await queue.drain(10_000);
      expect(await queue.enqueue({ id: 'once', name: 'triage', payload: { n: 3 } })).toBe(false);
      await queue.drain(10_000);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ id: 'once', name: 'triage', payload: { n: 1 }, attempt: 1, maxAttempts: 3 });
      expect((await queue.listJobs({ id: 'once' }))[0].state).toBe('done');
    });

    it('retries a failing job with backoff until it succeeds', async () => {
      const { queue } = await open({ maxAttempts: 5 });
      const attempts: number[] = [];
      queue.start(async (job) => {
        attempts.push(job.attempt);
        if (job.attempt < 3) throw new Error(`transient failure ${job.attempt}`);
      }, { concurrency: 1, pollIntervalMs: 20 });
      await queue.enqueue({ id: 'flaky', name: 'triage', payload: null });
      await queue.drain(10_000);
      expect(attempts).toEqual([1, 2, 3]);
      const [info] = await queue.listJobs({ id: 'flaky' });
      expect(info.state).toBe('done');
      expect(info.attempt).toBe(3);
    });

    it('fails a job after maxAttempts, keeps its last error, and retry() re-queues it', async () => {
      const { queue } = await open({ maxAttempts: 3 });
      let healthy = false;
      const attempts: number[] = [];
      queue.start(async (job) => {
        attempts.push(job.attempt);
        if (!healthy) throw new Error(`boom on try ${job.attempt}`);
      }, { concurrency: 1, pollIntervalMs: 20 });
      await queue.enqueue({ id: 'doomed', name: 'triage', payload: { x: 1 } });
      await queue.drain(10_000);
      expect(attempts).toEqual([1, 2, 3]);
      expect(await queue.depth()).toEqual({ queued: 0, running: 0, failed: 1 });
      const failed = await queue.listJobs({ state: 'failed' });
      expect(failed.map((job) => job.id)).toEqual(['doomed']);
      expect(failed[0].attempt).toBe(3);
      expect(failed[0].lastError).toContain('boom on try 3');

      healthy = true;
      expect(await queue.retry('doomed')).toBe(true);
      await queue.drain(10_000);
      expect(attempts).toEqual([1, 2, 3, 1]);
      expect((await queue.listJobs({ id: 'doomed' }))[0].state).toBe('done');
      expect(await queue.retry('doomed')).toBe(false);
      expect(await queue.retry('no-such-job')).toBe(false);
    });

    it('does not retry an error marked as not retryable', async () => {
      const { queue } = await open({ maxAttempts: 5 });
      const attempts: number[] = [];
      queue.start(async (job) => {
        attempts.push(job.attempt);
        throw new SbError('GITHUB_FORBIDDEN', 'cannot add labels');
      }, { concurrency: 1, pollIntervalMs: 20 });
      await queue.enqueue({ id: 'forbidden', name: 'triage', payload: null });
      await queue.drain(10_000);
      expect(attempts).toEqual([1]);
      const [info] = await queue.listJobs({ id: 'forbidden' });
      expect(info.state).toBe('failed');
      expect(info.lastError).toContain('cannot add labels');
    });

    it('takes a job again once the lease of a worker that died has run out', async () => {
      const { queue: dying, reopen } = await open({ maxAttempts: 3, leaseMs: 1_000 });
      let releaseDeadWorker: () => void = () => {};
      const deadWorkerHangs = new Promise<void>((resolve) => {
        releaseDeadWorker = resolve;
      });
      let deadWorkerStarted = false;
      dying.start(async () => {
        deadWorkerStarted = true;
        await deadWorkerHangs;
      }, { concurrency: 1, pollIntervalMs: 20, leaseMs: 1_000 });
      await dying.enqueue({ id: 'orphan', name: 'triage', payload: { p: 1 } });
      await waitFor(() => deadWorkerStarted, 10_000);
      // The process "dies": it takes nothing more and its job never finishes.
      const deadStopped = dying.stop();

      const survivor = await reopen();
      const rescued: Job[] = [];
      survivor.start(async (job) => {
        rescued.push(job);
      }, { concurrency: 1, pollIntervalMs: 20, leaseMs: 1_000 });
      await waitFor(() => rescued.length > 0, 15_000);
      await survivor.drain(10_000);
      expect(rescued).toHaveLength(1);
      expect(rescued[0]).toMatchObject({ id: 'orphan', payload: { p: 1 } });
      expect(rescued[0].attempt).toBeGreaterThanOrEqual(2);
      expect((await survivor.listJobs({ id: 'orphan' }))[0].state).toBe('done');

      releaseDeadWorker();
      await deadStopped;
      expect((await survivor.listJobs({ id: 'orphan' }))[0].state).toBe('done');
    });

    it('keeps queued jobs across a restart', async () => {
      const { queue: before, reopen } = await open({ maxAttempts: 3 });
      await before.enqueue({ id: 'persist-1', name: 'triage', payload: { n: 1 } });
      await before.enqueue({ id: 'persist-2', name: 'backfill', payload: { n: 2 } });
      await before.stop();

      const after = await reopen();
      expect(await after.depth()).toEqual({ queued: 2, running: 0, failed: 0 });
      expect(await after.enqueue({ id: 'persist-1', name: 'triage', payload: { n: 1 } })).toBe(false);
      const seen: string[] = [];
      after.start(async (job) => {
        seen.push(`${job.name}:${job.id}`);
      }, { concurrency: 1, pollIntervalMs: 20 });
      await after.drain(10_000);
      expect(seen.sort()).toEqual(['backfill:persist-2', 'triage:persist-1']);
    });

    it('stop() waits for running jobs and then takes no new ones', async () => {
      const { queue } = await open({ maxAttempts: 3 });
      const started: string[] = [];
      const finished: string[] = [];
      queue.start(async (job) => {
        started.push(job.id);
        await sleep(150);
        finished.push(job.id);
      }, { concurrency: 1, pollIntervalMs: 20 });
      await queue.enqueue({ id: 'slow', name: 'triage', payload: null });
      await waitFor(() => started.length === 1, 10_000);
      await queue.stop();
      expect(finished).toEqual(['slow']);

      await queue.enqueue({ id: 'after-stop', name: 'triage', payload: null });
      await sleep(200);
      expect(started).toEqual(['slow']);
      expect(await queue.depth()).toEqual({ queued: 1, running: 0, failed: 0 });
    });

    it('runs up to `concurrency` jobs at once, each once', async () => {
      const { queue } = await open({ maxAttempts: 3 });
      let active = 0;
      let peak = 0;
      const runs = new Map<string, number>();
      for (let n = 0; n < 8; n++) await queue.enqueue({ id: `c-${n}`, name: 'triage', payload: { n } });
      queue.start(async (job) => {
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        active++;
        peak = Math.max(peak, active);
        await sleep(60);
        active--;
      }, { concurrency: 3, pollIntervalMs: 20 });
      await queue.drain(10_000);
      expect(peak).toBeLessThanOrEqual(3);
      expect(peak).toBeGreaterThanOrEqual(2);
      expect([...runs.values()]).toEqual(Array(8).fill(1));
    });

    it('lists jobs by state with a limit', async () => {
      const { queue } = await open({ maxAttempts: 1 });
      queue.start(async (job) => {
        if ((job.payload as { fail: boolean }).fail) throw new Error('nope');
      }, { concurrency: 2, pollIntervalMs: 20 });
      for (let n = 0; n < 4; n++) await queue.enqueue({ id: `l-${n}`, name: 'triage', payload: { fail: n % 2 === 0 } });
      await queue.drain(10_000);
      expect((await queue.listJobs({ state: 'failed' })).map((job) => job.id).sort()).toEqual(['l-0', 'l-2']);
      expect((await queue.listJobs({ state: 'done' })).map((job) => job.id).sort()).toEqual(['l-1', 'l-3']);
      expect(await queue.listJobs({ limit: 3 })).toHaveLength(3);
    });

    it('drain() gives up after its timeout when nothing takes the jobs', async () => {
      const { queue } = await open({ maxAttempts: 3 });
      await queue.enqueue({ id: 'stuck', name: 'triage', payload: null });
      await expect(queue.drain(150)).rejects.toThrow();
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
