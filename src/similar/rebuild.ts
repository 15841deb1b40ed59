import type { Store } from '../store/store.js';
import type { SimilarIssueIndex } from './similar-issue-index.js';

/**
 * Feeds every stored issue into `index`, a page at a time in (repo, number) order, so a restart
 * needs neither GitHub nor a snapshot. Returns how many issues were read.
 */
export async function rebuildFromStore(store: Pick<Store, 'listIssues'>, index: SimilarIssueIndex, options: { pageSize?: number } = {}): Promise<number> {
  const limit = options.pageSize ?? 1000;
  let read = 0;
  let cursor: { afterRepo: string; afterNumber: number } | undefined;
  for (;;) {
    const page = await store.listIssues({ ...cursor, limit });
    for (const issue of page) index.upsert(issue);
    read += page.length;
    if (page.length < limit) return read;
    const last = page[page.length - 1];
    cursor = { afterRepo: last.repo, afterNumber: last.number };
  }
}
