import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SbError } from '../../src/errors.js';
import { createSqliteQueue, type SqliteJobQueue, type SqliteQueueOptions } from '../../src/queue/sqlite-queue.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { describeQueueContract } from '../contract/queue.contract.js';

const fastBackoff = { baseMs: 5, maxMs: 20 };

function tempFile(): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-sqlite-queue-'));
  return { file: path.join(dir, 'queue.db'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describeQueueContract('sqlite', async ({ maxAttempts, leaseMs }) => {
  const { file, remove } = tempFile();
  const opened: SqliteJobQueue[] = [];
  const open = (): SqliteJobQueue => {
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
  const toClose: SqliteJobQueue[] = [];
  const toRemove: Array<() => void> = [];
  const open = (options: SqliteQueueOptions): SqliteJobQueue => {
    const queue = createSqliteQueue(options);
    toClose.push(queue);
    return queue;
  };

  afterEach(async () => {
    await Promise.all(toClose.splice(0).map((queue) => queue.close()));
    for (const remove of toRemove.splice(0)) remove();
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
    toRemove.push(remove);
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

  it('never gives one job to two queues working the same file', async () => {
    const { file, remove } = tempFile();
    toRemove.push(remove);
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
    toRemove.push(remove);
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
