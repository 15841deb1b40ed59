import { describe, expect, it } from 'vitest';
import { SimilarIssueIndex, rebuildFromStore } from '../../src/similar/index.js';
import type { Store } from '../../src/store/store.js';
import type { StoredIssue } from '../../src/store/types.js';
import { issue, issues, repo } from './fixtures.js';

/** The paging contract of `Store.listIssues`: (repo, number) order, strictly after the cursor. */
function pagingStore(stored: StoredIssue[]): Pick<Store, 'listIssues'> & { pagesRead: number } {
  const ordered = [...stored].sort((a, b) => (a.repo === b.repo ? a.number - b.number : a.repo < b.repo ? -1 : 1));
  const store = {
    pagesRead: 0,
    async listIssues(options: { repo?: string; afterRepo?: string; afterNumber?: number; limit: number }) {
      store.pagesRead++;
      const after = (i: StoredIssue) =>
        options.afterRepo === undefined || i.repo > options.afterRepo || (i.repo === options.afterRepo && i.number > (options.afterNumber ?? -Infinity));
      return ordered.filter((i) => (options.repo === undefined || i.repo === options.repo) && after(i)).slice(0, options.limit);
    },
  };
  return store;
}

/** The index built one upsert at a time, as the worker builds it from webhooks. */
function upsertedIndex(stored: readonly StoredIssue[]): SimilarIssueIndex {
  const index = new SimilarIssueIndex();
  for (const item of stored) index.upsert(item);
  return index;
}

const otherRepo = Array.from({ length: 5 }, (_, n) => issue(n + 1, `Other ${n}`, 'multipath handover is slow on cellular', { repo: 'aaa/first' }));
const probes = [
  { title: 'WebSocket closes in background', body: 'code 1001 after backgrounding' },
  { title: 'pinned certificate rejected', body: 'server trust fails with -1202 since iOS 17' },
  { title: 'constructor crash', body: 'the constructor of the wrapper crashes' },
];

describe('rebuildFromStore', () => {
  it('reads every page of every repository and answers as the index built by upserts does', async () => {
    const store = pagingStore([...issues, ...otherRepo]);
    const index = await rebuildFromStore(store, { pageSize: 3, threads: 0 });
    // Four full pages, then an empty one that proves the end.
    expect(store.pagesRead).toBe(5);
    expect(index.size).toBe(12);

    const fresh = upsertedIndex(issues);
    for (const text of probes) expect(index.query(repo, text, { includePrivate: false })).toEqual(fresh.query(repo, text, { includePrivate: false }));
    expect(index.query(repo, probes[0], { includePrivate: false })).not.toEqual([]);
    expect(index.query('aaa/first', { title: 'multipath', body: 'handover slow' }, { includePrivate: false, limit: 10 })).toHaveLength(5);
  });

  it('reads only the repository asked for, with the same answers for it', async () => {
    const store = pagingStore([...issues, ...otherRepo]);
    const index = await rebuildFromStore(store, { pageSize: 3, threads: 0, repo });
    expect(index.size).toBe(issues.length);
    expect(index.query('aaa/first', { title: 'multipath', body: 'handover slow' }, { includePrivate: false })).toEqual([]);
    const fresh = upsertedIndex(issues);
    for (const text of probes) expect(index.query(repo, text, { includePrivate: false })).toEqual(fresh.query(repo, text, { includePrivate: false }));
  });

  it('tokenizes on worker threads once the store holds more than a page, with the same answers', async () => {
    const stored = [...issues, ...otherRepo];
    const index = await rebuildFromStore(pagingStore(stored), { pageSize: 2, threads: 2 });
    expect(index.size).toBe(12);
    const fresh = upsertedIndex(stored);
    for (const text of probes) {
      expect(index.query(repo, text, { includePrivate: false })).toEqual(fresh.query(repo, text, { includePrivate: false }));
      expect(index.rawScores(repo, ['websocket', 'certif', 'constructor'])).toEqual(fresh.rawScores(repo, ['websocket', 'certif', 'constructor']));
    }
  });

  it('fails, and leaves no thread behind, when the store fails mid-way', async () => {
    const store = pagingStore(issues);
    const failing = {
      async listIssues(options: Parameters<typeof store.listIssues>[0]) {
        if (store.pagesRead === 2) throw new Error('database went away');
        return store.listIssues(options);
      },
    };
    await expect(rebuildFromStore(failing, { pageSize: 2, threads: 2 })).rejects.toThrow('database went away');
  });

  it('handles an empty store', async () => {
    const index = await rebuildFromStore(pagingStore([]));
    expect(index.size).toBe(0);
  });
});
