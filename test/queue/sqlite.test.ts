import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SbError } from '../../src/errors.js';
import type { JobQueue } from '../../src/queue/job-queue.js';
import { createSqliteQueue, keepDoneJobsMs, type SqliteQueueOptions } from '../../src/queue/sqlite-queue.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { describeQueueContract } from '../contract/queue.contract.js';

const fastBackoff = { baseMs: 5, maxMs: 20 };
const queueModule = fileURLToPath(new URL('../../src/queue/sqlite-queue.ts', import.meta.url));

function tempFile(): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-sqlite-queue-'));
  return { file: path.join(dir, 'queue.db'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describeQueueContract('sqlite', async ({ maxAttempts, leaseMs }) => {
  const { file, remove } = tempFile();
  const opened: JobQueue[] = [];
  const open = (): JobQueue => {
    const queue = createSqliteQueue({ file, maxAttempts, leaseMs, backoff: fastBackoff });
    opened.push(queue);
    return queue;
  };
  return {
    queue: open(),
    reopen: async () => open(),
    cleanup: async () => {
      await Promise.all(opened.map((queue) => queue.close()));
      remove();
    },
  };
});

describe('sqlite queue specifics', () => {
  const toClose: JobQueue[] = [];
  const cleanups: Array<() => void> = [];
  const open = (options: SqliteQueueOptions): JobQueue => {
    const queue = createSqliteQueue(options);
    toClose.push(queue);
    return queue;
  };

  afterEach(async () => {
    await Promise.all(toClose.splice(0).map((queue) => queue.close()));
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('deletes finished jobs older than a week when a worker starts, keeping failed and recent ones', async () => {
    let clock = Date.parse('2024-05-01T10:00:00Z');
    const queue = open({ file: ':memory:', maxAttempts: 1, backoff: fastBackoff, now: () => clock });
    const handler = async (job: { id: string }) => {
      if (job.id.includes('failing')) throw new Error('GitHub said no');
    };
    queue.start(handler, { concurrency: 1, pollIntervalMs: 10 });
    await queue.enqueueMany([{ id: 'old-done', name: 'triage', payload: { body: 'issue text' } }, { id: 'old-failing', name: 'triage', payload: null }]);
    await queue.drain(10_000);
    await queue.stop();

    clock += keepDoneJobsMs + 60_000;
    await queue.enqueue({ id: 'recent', name: 'triage', payload: null });
    queue.start(handler, { concurrency: 1, pollIntervalMs: 10 });
    await queue.drain(10_000);
    const left = Object.fromEntries((await queue.listJobs({})).map((job) => [job.id, job.state]));
    expect(left).toEqual({ 'old-failing': 'failed', recent: 'done' });
  });

  it('waits at least as long as GitHub asked before the next try', async () => {
    const queue = open({ file: ':memory:', maxAttempts: 3, backoff: fastBackoff });
    const startedAt: number[] = [];
    queue.start(async () => {
      startedAt.push(Date.now());
      if (startedAt.length === 1) throw new SbError('GITHUB_RATE_LIMITED', 'secondary limit', { retryAfterSeconds: 0.25 });
    }, { concurrency: 1, pollIntervalMs: 10 });
    await queue.enqueue({ id: 'limited', name: 'triage', payload: null });
    await queue.drain(5_000);
    expect(startedAt).toHaveLength(2);
    expect(startedAt[1] - startedAt[0]).toBeGreaterThanOrEqual(250);
  });

  it('fails a job whose lease ran out on its last try instead of running it again', async () => {
    const { file, remove } = tempFile();
    cleanups.push(remove);
    let release: () => void = () => {};
    const hang = new Promise<void>((resolve) => {
      release = resolve;
    });
    const dying = open({ file, maxAttempts: 1, backoff: fastBackoff });
    let started = false;
    dying.start(async () => {
      started = true;
      await hang;
    }, { concurrency: 1, pollIntervalMs: 10, leaseMs: 150 });
    await dying.enqueue({ id: 'last-chance', name: 'triage', payload: null });
    while (!started) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopped = dying.stop();

    const survivor = open({ file, maxAttempts: 1, backoff: fastBackoff });
    let rerun = false;
    survivor.start(async () => {
      rerun = true;
    }, { concurrency: 1, pollIntervalMs: 10, leaseMs: 150 });
    await survivor.drain(5_000);
    expect(rerun).toBe(false);
    const [info] = await survivor.listJobs({ id: 'last-chance' });
    expect(info.state).toBe('failed');
    expect(info.lastError).toContain('lease expired');
    release();
    await stopped;
    expect((await survivor.listJobs({ id: 'last-chance' }))[0].state).toBe('failed');
  });

  it('measures leases on the injected clock', async () => {
    const { file, remove } = tempFile();
    cleanups.push(remove);
    let clock = Date.parse('2026-05-01T00:00:00.000Z');
    const now = (): number => clock;
    let release: () => void = () => {};
    const hang = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    const dying = open({ file, maxAttempts: 3, now, leaseMs: 60_000 });
    dying.start(async () => {
      started = true;
      await hang;
    }, { concurrency: 1, pollIntervalMs: 10 });
    await dying.enqueue({ id: 'clocked', name: 'triage', payload: null });
    while (!started) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopped = dying.stop();

    const survivor = open({ file, maxAttempts: 3, now, leaseMs: 60_000 });
    const attempts: number[] = [];
    survivor.start(async (job) => {
      attempts.push(job.attempt);
    }, { concurrency: 1, pollIntervalMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(attempts).toEqual([]);

    clock += 60_001;
    await survivor.drain(5_000);
    expect(attempts).toEqual([2]);
    const [info] = await survivor.listJobs({ id: 'clocked' });
    expect(info.createdAt).toBe('2026-05-01T00:00:00.000Z');
    expect(info.lastError).toContain('lease expired');
    release();
    await stopped;
  });

  it('takes over the job of a worker process that was killed mid-job', async () => {
    const { file, remove } = tempFile();
    cleanups.push(remove);
    const worker = spawn(
      process.execPath,
      [
        '--import', 'tsx', '--input-type=module', '-e',
        `import { createSqliteQueue } from ${JSON.stringify(queueModule)};
         const queue = createSqliteQueue({ file: ${JSON.stringify(file)}, maxAttempts: 3 });
         queue.start(async (job) => { console.log('took ' + job.id); await new Promise(() => setInterval(() => {}, 1000)); },
           { concurrency: 1, pollIntervalMs: 10, leaseMs: 300 });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => worker.kill('SIGKILL'));
    const took = new Promise<string>((resolve, reject) => {
      worker.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      worker.once('exit', (code) => reject(new Error(`worker process exited early with code ${code}`)));
    });
    const queue = open({ file, maxAttempts: 3, backoff: fastBackoff });
    await queue.enqueue({ id: 'crash', name: 'triage', payload: { n: 1 } });
    expect(await took).toBe('took crash');
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));

    const rescued: number[] = [];
    queue.start(async (job) => {
      rescued.push(job.attempt);
    }, { concurrency: 1, pollIntervalMs: 10, leaseMs: 300 });
    await queue.drain(10_000);
    expect(rescued).toEqual([2]);
    expect((await queue.listJobs({ id: 'crash' }))[0].state).toBe('done');
  });

  it('never gives one job to two queues working the same file', async () => {
    const { file, remove } = tempFile();
    cleanups.push(remove);
    const first = open({ file, maxAttempts: 3, backoff: fastBackoff });
    const second = open({ file, maxAttempts: 3, backoff: fastBackoff });
    const runs = new Map<string, string[]>();
    const handler = (worker: string) => async (job: { id: string }) => {
      runs.set(job.id, [...(runs.get(job.id) ?? []), worker]);
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    first.start(handler('first'), { concurrency: 2, pollIntervalMs: 5 });
    second.start(handler('second'), { concurrency: 2, pollIntervalMs: 5 });
    for (let n = 0; n < 30; n++) await (n % 2 === 0 ? first : second).enqueue({ id: `j-${n}`, name: 'triage', payload: { n } });
    await first.drain(10_000);
    expect(runs.size).toBe(30);
    expect([...runs.values()].every((workers) => workers.length === 1)).toBe(true);
    const workers = new Set([...runs.values()].flat());
    expect(workers).toEqual(new Set(['first', 'second']));
  });

  it('shares one file with the store', async () => {
    const { file, remove } = tempFile();
    cleanups.push(remove);
    const store = createSqliteStore({ file });
    const queue = open({ file, maxAttempts: 2, backoff: fastBackoff });
    queue.start(async (job) => {
      await store.setSetting(`ran:${job.id}`, 'yes');
    }, { concurrency: 1, pollIntervalMs: 10 });
    await queue.enqueue({ id: 'shared', name: 'triage', payload: null });
    await queue.drain(5_000);
    expect(await store.getSetting('ran:shared')).toBe('yes');
    await store.close();
  });

  it('refuses a second start and a concurrency below one', () => {
    const queue = open({ file: ':memory:', maxAttempts: 1 });
    expect(() => queue.start(async () => {}, { concurrency: 0 })).toThrow(/concurrency/);
    queue.start(async () => {}, { concurrency: 1 });
    expect(() => queue.start(async () => {}, { concurrency: 1 })).toThrow(/already started/);
  });
});
