import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SbError } from '../../src/errors.js';
import type { Job, JobQueue } from '../../src/queue/job-queue.js';
import { createPgBossQueue, type PgBossQueueOptions } from '../../src/queue/pgboss-queue.js';
import { pgBinDir, pgMissingMessage, startPgCluster, type PgCluster } from '../support/pg-cluster.js';

const hasPostgres = pgBinDir() !== null;
if (!hasPostgres) console.warn(pgMissingMessage);

const queueModule = fileURLToPath(new URL('../../src/queue/pgboss-queue.ts', import.meta.url));
const fast = { backoff: { baseMs: 5, maxMs: 20 } };
const quickPolling = { pollIntervalMs: 50 };

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.skipIf(!hasPostgres)('pg-boss queue', () => {
  let cluster: PgCluster;
  let schemas = 0;
  const opened: JobQueue[] = [];

  /** Queues made with the same `schema` share one job table, like processes sharing a database. */
  async function makeQueue(overrides: Partial<PgBossQueueOptions> & { schema: string }): Promise<JobQueue> {
    const queue = await createPgBossQueue({ connectionString: cluster.connectionString, maxAttempts: 3, poolSize: 4, ...fast, ...overrides });
    opened.push(queue);
    return queue;
  }
  const freshSchema = () => `queue_${++schemas}`;

  beforeAll(async () => {
    cluster = await startPgCluster();
  });

  afterAll(async () => {
    await Promise.allSettled(opened.map((queue) => queue.close()));
    await cluster?.stop();
  });

  it('keeps one job per id: a redelivery is refused, even from another process', async () => {
    const schema = freshSchema();
    // Four processes starting at the same moment all create pg-boss's schema and queue.
    const [first, second] = await Promise.all([1, 2, 3, 4].map(() => makeQueue({ schema })));
    expect(await first.enqueue({ id: 'delivery-1', name: 'triage', payload: { issue: 1 } })).toBe(true);
    expect(await second.enqueue({ id: 'delivery-1', name: 'triage', payload: { issue: 2 } })).toBe(false);
    expect(await first.enqueue({ id: 'delivery-2', name: 'triage', payload: { issue: 3 } })).toBe(true);
    const [job] = await second.listJobs({ id: 'delivery-1' });
    expect(job).toMatchObject({ id: 'delivery-1', name: 'triage', payload: { issue: 1 }, state: 'queued', attempt: 0, maxAttempts: 3, lastError: null });
    expect(await first.depth()).toEqual({ queued: 2, running: 0, failed: 0 });
  });

  it('runs a job once with its payload and marks it done', async () => {
    const queue = await makeQueue({ schema: freshSchema() });
    const seen: Job[] = [];
    queue.start(async (job) => {
      seen.push(job);
    }, { concurrency: 2, ...quickPolling });
    await queue.enqueue({ id: 'a', name: 'triage', payload: { n: 1 } });
    await queue.drain(10_000);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: 'a', name: 'triage', payload: { n: 1 }, attempt: 1, maxAttempts: 3 });
    expect((await queue.listJobs({ state: 'done' })).map((job) => job.id)).toEqual(['a']);
  });

  it('retries a failing job with backoff, then succeeds and keeps the last error', async () => {
    const queue = await makeQueue({ schema: freshSchema(), maxAttempts: 4 });
    const attempts: number[] = [];
    queue.start(async (job) => {
      attempts.push(job.attempt);
      if (job.attempt < 3) throw new SbError('GITHUB_UNAVAILABLE', `try ${job.attempt}`);
    }, { concurrency: 1, ...quickPolling });
    await queue.enqueue({ id: 'flaky', name: 'triage', payload: null });
    await queue.drain(10_000);
    expect(attempts).toEqual([1, 2, 3]);
    const [job] = await queue.listJobs({ id: 'flaky' });
    expect(job).toMatchObject({ state: 'done', attempt: 3, lastError: 'GITHUB_UNAVAILABLE: GitHub answered with a server error: try 2' });
  });

  it('fails a job for good after maxAttempts, and retry() gives it a fresh set of tries', async () => {
    const queue = await makeQueue({ schema: freshSchema(), maxAttempts: 2 });
    let healthy = false;
    const attempts: number[] = [];
    queue.start(async (job) => {
      attempts.push(job.attempt);
      if (!healthy) throw new Error('boom');
    }, { concurrency: 1, ...quickPolling });
    await queue.enqueue({ id: 'doomed', name: 'triage', payload: {} });
    await queue.drain(10_000);
    expect(attempts).toEqual([1, 2]);
    expect(await queue.depth()).toEqual({ queued: 0, running: 0, failed: 1 });
    const [failed] = await queue.listJobs({ state: 'failed' });
    expect(failed).toMatchObject({ id: 'doomed', attempt: 2, maxAttempts: 2, lastError: 'boom' });

    healthy = true;
    expect(await queue.retry('doomed')).toBe(true);
    expect(await queue.retry('doomed')).toBe(false);
    await queue.drain(10_000);
    expect(attempts).toEqual([1, 2, 1]);
    expect((await queue.listJobs({ id: 'doomed' }))[0].state).toBe('done');
    expect(await queue.retry('never-enqueued')).toBe(false);
  });

  it('does not retry an error that says it is not retryable', async () => {
    const queue = await makeQueue({ schema: freshSchema(), maxAttempts: 5 });
    let runs = 0;
    queue.start(async () => {
      runs++;
      throw new SbError('JOB_PAYLOAD_INVALID', 'no issue in payload');
    }, { concurrency: 1, ...quickPolling });
    await queue.enqueue({ id: 'bad', name: 'triage', payload: {} });
    await queue.drain(10_000);
    expect(runs).toBe(1);
    expect((await queue.listJobs({ state: 'failed' }))[0]).toMatchObject({
      id: 'bad',
      attempt: 1,
      lastError: 'JOB_PAYLOAD_INVALID: job payload is not a usable webhook event: no issue in payload',
    });
  });

  it('never runs one job in two workers at once when two processes share the database', async () => {
    const schema = freshSchema();
    const [one, two] = await Promise.all([makeQueue({ schema }), makeQueue({ schema })]);
    const runsById = new Map<string, number>();
    const runningNow = new Set<string>();
    const runner = new Map<string, string>();
    let overlaps = 0;
    const handlerFor = (worker: string) => async (job: Job) => {
      if (runningNow.has(job.id)) overlaps++;
      runningNow.add(job.id);
      runsById.set(job.id, (runsById.get(job.id) ?? 0) + 1);
      runner.set(job.id, worker);
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 10));
      runningNow.delete(job.id);
    };
    const ids = Array.from({ length: 40 }, (_, index) => `job-${index}`);
    await Promise.all(ids.map((id, index) => (index % 2 ? one : two).enqueue({ id, name: 'triage', payload: { index } })));
    one.start(handlerFor('one'), { concurrency: 3, ...quickPolling });
    two.start(handlerFor('two'), { concurrency: 3, ...quickPolling });
    await one.drain(20_000);
    await Promise.all([one.stop(), two.stop()]);

    expect(overlaps).toBe(0);
    expect([...runsById.keys()].sort()).toEqual([...ids].sort());
    expect([...runsById.values()].every((runs) => runs === 1)).toBe(true);
    expect(new Set(runner.values())).toEqual(new Set(['one', 'two']));
    expect((await one.listJobs({ state: 'done', limit: 100 })).length).toBe(40);
  });

  it('runs a job again when its worker died mid-job, and ignores the dead worker if it wakes up late', async () => {
    const schema = freshSchema();
    const leaseMs = 300;
    const dead = await makeQueue({ schema, leaseMs });
    const stuck = deferred();
    const deadAttempts: number[] = [];
    dead.start(async (job) => {
      deadAttempts.push(job.attempt);
      await stuck.promise;
    }, { concurrency: 1, ...quickPolling });
    await dead.enqueue({ id: 'orphan', name: 'triage', payload: { issue: 9 } });
    await waitFor(() => deadAttempts.length === 1, 10_000);
    // This process now stops taking work without finishing its job, as if it had crashed.
    const dying = dead.stop();

    const survivor = await makeQueue({ schema, leaseMs });
    const secondTry = deferred();
    const survivorAttempts: number[] = [];
    survivor.start(async (job) => {
      survivorAttempts.push(job.attempt);
      await secondTry.promise;
    }, { concurrency: 1, ...quickPolling });
    await waitFor(() => survivorAttempts.length === 1, 15_000);
    expect(survivorAttempts).toEqual([2]);
    expect((await survivor.listJobs({ id: 'orphan' }))[0]).toMatchObject({ state: 'running', attempt: 2 });

    stuck.resolve();
    await dying;
    expect((await survivor.listJobs({ id: 'orphan' }))[0].state).toBe('running');

    secondTry.resolve();
    await survivor.drain(10_000);
    expect((await survivor.listJobs({ id: 'orphan' }))[0]).toMatchObject({ state: 'done', attempt: 2 });
    expect(deadAttempts).toEqual([1]);
  });

  it('takes over the job of a worker process that was killed mid-job', async () => {
    const schema = freshSchema();
    const queue = await makeQueue({ schema, leaseMs: 300 });
    const worker = spawn(
      process.execPath,
      [
        '--import', 'tsx', '--input-type=module', '-e',
        `import { createPgBossQueue } from ${JSON.stringify(queueModule)};
         const queue = await createPgBossQueue({ connectionString: ${JSON.stringify(cluster.connectionString)}, schema: '${schema}', maxAttempts: 3, leaseMs: 300 });
         queue.start(async (job) => { console.log('took ' + job.id); await new Promise(() => setInterval(() => {}, 1000)); },
           { concurrency: 1, pollIntervalMs: 20 });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const took = new Promise<string>((resolve, reject) => {
        worker.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
        worker.once('exit', (code) => reject(new Error(`worker process exited early with code ${code}`)));
      });
      await queue.enqueue({ id: 'crash', name: 'triage', payload: { n: 1 } });
      expect(await took).toBe('took crash');
    } finally {
      worker.kill('SIGKILL');
    }
    await new Promise((resolve) => worker.once('exit', resolve));
    expect((await queue.listJobs({ id: 'crash' }))[0]).toMatchObject({ state: 'running', attempt: 1 });

    const rescued: number[] = [];
    queue.start(async (job) => {
      rescued.push(job.attempt);
    }, { concurrency: 1, ...quickPolling });
    await waitFor(() => rescued.length === 1, 15_000);
    await queue.drain(10_000);
    expect(rescued).toEqual([2]);
    expect((await queue.listJobs({ id: 'crash' }))[0].state).toBe('done');
  });

  it('stop() waits for the running job, and the jobs survive a restart', async () => {
    const schema = freshSchema();
    const queue = await makeQueue({ schema });
    const gate = deferred();
    let finished = false;
    queue.start(async () => {
      await gate.promise;
      finished = true;
    }, { concurrency: 1, ...quickPolling });
    await queue.enqueue({ id: 'slow', name: 'triage', payload: {} });
    await waitFor(async () => (await queue.depth()).running === 1, 10_000);
    const stopped = queue.stop();
    setTimeout(() => gate.resolve(), 100);
    await stopped;
    expect(finished).toBe(true);
    await queue.enqueue({ id: 'later', name: 'triage', payload: {} });
    await queue.close();
    await expect(queue.enqueue({ id: 'too-late', name: 'triage', payload: {} })).rejects.toThrow('queue is closed');

    const reopened = await makeQueue({ schema });
    expect((await reopened.listJobs({ state: 'queued' })).map((job) => job.id)).toEqual(['later']);
    const ran: string[] = [];
    reopened.start(async (job) => {
      ran.push(job.id);
    }, { concurrency: 1, ...quickPolling });
    await reopened.drain(10_000);
    expect(ran).toEqual(['later']);
  });
});
