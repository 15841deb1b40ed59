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
      return ordered.filter(after).slice(0, options.limit);
    },
  };
  return store;
}

describe('rebuildFromStore', () => {
  it('reads every page of every repository into the index', async () => {
    const otherRepo = Array.from({ length: 5 }, (_, n) => issue(n + 1, `Other ${n}`, 'multipath handover is slow on cellular', { repo: 'aaa/first' }));
    const store = pagingStore([...issues, ...otherRepo]);
    const index = new SimilarIssueIndex();
    expect(await rebuildFromStore(store, index, { pageSize: 3 })).toBe(12);
    // Four full pages, then an empty one that proves the end.
    expect(store.pagesRead).toBe(5);
    expect(index.size).toBe(12);

    const fresh = new SimilarIssueIndex();
    for (const item of issues) fresh.upsert(item);
    const text = { title: 'WebSocket closes in background', body: 'code 1001 after backgrounding' };
    expect(index.query(repo, text, { includePrivate: false })).toEqual(fresh.query(repo, text, { includePrivate: false }));
    expect(index.query('aaa/first', { title: 'multipath', body: 'handover slow' }, { includePrivate: false, limit: 10 })).toHaveLength(5);
  });

  it('handles an empty store', async () => {
    const index = new SimilarIssueIndex();
    expect(await rebuildFromStore(pagingStore([]), index)).toBe(0);
    expect(index.size).toBe(0);
  });
});
