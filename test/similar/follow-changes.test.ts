import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { followIssueChanges, loadSimilarIndex, saveSimilarIndex, type IssueChangeFollower } from '../../src/similar/index.js';
import type { Store } from '../../src/store/store.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { StoredIssue } from '../../src/store/types.js';
import { waitFor } from '../support/webhook-client.js';

const logger = createLogger({ level: 'silent' });
const repo = 'acme/support';

function issue(number: number, title: string, body: string): StoredIssue {
  return { repo, number, title, body, state: 'closed', answered: true, isPrivate: false, url: `https://github.com/${repo}/issues/${number}`, updatedAt: '2026-02-01T00:00:00.000Z' };
}

const tunnelIssue = issue(1, 'Packet tunnel stops after sleep', 'The VPN packet tunnel provider stops passing traffic after the device sleeps.');
const downloadIssue = issue(2, 'Background download stalls', 'A background URLSession download never completes on cellular.');
const tunnelQuestion = { title: 'VPN tunnel stops when the device sleeps', body: 'My packet tunnel provider passes no traffic after sleep.' };
const downloadQuestion = { title: 'URLSession background download never completes', body: 'The download stalls on cellular.' };
const query = { includePrivate: false, floor: 0.05 };

describe('following issue changes made by other processes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-follow-'));
  const file = path.join(dir, 'supportbot.db');
  const opened: Store[] = [];
  const followers: IssueChangeFollower[] = [];
  afterEach(async () => {
    await Promise.all(followers.splice(0).map((follower) => follower.stop()));
    await Promise.all(opened.splice(0).map((store) => store.close()));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
  });

  function openStore(): Store {
    const store = createSqliteStore({ file });
    opened.push(store);
    return store;
  }

  it('learns issues another process writes and deletes, on its own at the next poll', async () => {
    const worker = openStore();
    const other = openStore();
    await other.upsertIssue(downloadIssue);
    const loaded = await loadSimilarIndex(worker, path.join(dir, 'no-snapshot'), logger);
    followers.push(followIssueChanges({ store: worker, index: loaded.index, cursor: loaded.changeCursor, intervalMs: 20, logger }));
    expect(loaded.index.query(repo, tunnelQuestion, query)).toEqual([]);

    await other.upsertIssue(tunnelIssue);
    await waitFor(() => loaded.index.query(repo, tunnelQuestion, query).length > 0, { what: 'the issue written elsewhere in the index' });
    expect(loaded.index.query(repo, tunnelQuestion, query).map((ref) => ref.number)).toEqual([1]);

    await other.deleteIssue(repo, 2);
    await waitFor(() => loaded.index.query(repo, downloadQuestion, query).length === 0, { what: 'the deleted issue gone from the index' });
  });

  it('does not miss a write made while the index was being read', async () => {
    const worker = openStore();
    const other = openStore();
    await other.upsertIssue(downloadIssue);
    const loaded = await loadSimilarIndex(worker, path.join(dir, 'no-snapshot'), logger);
    // Written after the read, as if during it: the cursor was taken before the read began.
    await other.upsertIssue(tunnelIssue);
    const follower = followIssueChanges({ store: worker, index: loaded.index, cursor: loaded.changeCursor, intervalMs: 60_000, logger });
    followers.push(follower);
    expect(await follower.catchUp()).toBeGreaterThanOrEqual(1);
    expect(loaded.index.query(repo, tunnelQuestion, query).map((ref) => ref.number)).toEqual([1]);
  });

  it('applies each change once, though consecutive reads overlap', async () => {
    const worker = openStore();
    const loaded = await loadSimilarIndex(worker, path.join(dir, 'no-snapshot'), logger);
    const follower = followIssueChanges({ store: worker, index: loaded.index, cursor: loaded.changeCursor, intervalMs: 60_000, logger });
    followers.push(follower);
    await worker.upsertIssue(tunnelIssue);
    expect(await follower.catchUp()).toBe(1);
    expect(await follower.catchUp()).toBe(0);
    await worker.upsertIssue({ ...tunnelIssue, title: 'Packet tunnel stops after sleep (edited)' });
    await worker.deleteIssue(repo, 2);
    expect(await follower.catchUp()).toBe(2);
    expect(await follower.catchUp()).toBe(0);
  });

  it('keeps its cursor when a read fails, so the next poll still applies the change', async () => {
    const worker = openStore();
    const loaded = await loadSimilarIndex(worker, path.join(dir, 'no-snapshot'), logger);
    let failNext = true;
    const flaky: Pick<Store, 'issueChangesSince'> = {
      issueChangesSince: (cursor) => {
        if (!failNext) return worker.issueChangesSince(cursor);
        failNext = false;
        return Promise.reject(new Error('connection reset'));
      },
    };
    const follower = followIssueChanges({ store: flaky, index: loaded.index, cursor: loaded.changeCursor, intervalMs: 60_000, logger });
    followers.push(follower);
    await worker.upsertIssue(tunnelIssue);
    await expect(follower.catchUp()).rejects.toThrow('connection reset');
    await follower.catchUp();
    expect(loaded.index.query(repo, tunnelQuestion, query).map((ref) => ref.number)).toEqual([1]);
  });

  it('saves a snapshot that holds every issue its fingerprint stands for', async () => {
    const worker = openStore();
    const other = openStore();
    const snapshot = path.join(dir, 'similar-index.snapshot');
    const loaded = await loadSimilarIndex(worker, snapshot, logger);
    const follower = followIssueChanges({ store: worker, index: loaded.index, cursor: loaded.changeCursor, intervalMs: 60_000, logger });
    followers.push(follower);
    // Another worker's write, not yet polled when this one shuts down.
    await other.upsertIssue(tunnelIssue);
    await follower.stop();
    await saveSimilarIndex(loaded.index, worker, snapshot, () => follower.catchUp());

    const restarted = await loadSimilarIndex(worker, snapshot, logger);
    expect(restarted.source).toBe('snapshot');
    expect(restarted.index.query(repo, tunnelQuestion, query).map((ref) => ref.number)).toEqual([1]);
  });
});
