import type { SimilarIssueRef, StoredIssue } from '../store/types.js';
import { SimilarIssueIndex, type SimilarQueryOptions } from './similar-issue-index.js';

type Change = (index: SimilarIssueIndex) => unknown;

/**
 * The index a worker serves from, replaceable while it runs: a refresh builds a fresh index (from
 * the shared store, which other workers also write) and swaps it in whole. Changes this worker
 * makes while the fresh one is being read are replayed onto it before the swap, so an issue the
 * refresh read too early is not missing until the next one.
 */
export class LiveSimilarIndex {
  private changesDuringRefresh: Change[] | null = null;

  constructor(private current: SimilarIssueIndex = new SimilarIssueIndex()) {}

  get index(): SimilarIssueIndex {
    return this.current;
  }

  replace(index: SimilarIssueIndex): void {
    this.current = index;
  }

  upsert(issue: StoredIssue): void {
    this.change((index) => index.upsert(issue));
  }

  remove(repo: string, issueNumber: number): void {
    this.change((index) => index.remove(repo, issueNumber));
  }

  query(repo: string, text: { title: string; body: string }, options: SimilarQueryOptions): SimilarIssueRef[] {
    return this.current.query(repo, text, options);
  }

  /** Swaps in what `build` returns, plus the changes made meanwhile; false when a refresh is already running. */
  async refresh(build: () => Promise<SimilarIssueIndex>): Promise<boolean> {
    if (this.changesDuringRefresh) return false;
    const changes: Change[] = [];
    this.changesDuringRefresh = changes;
    try {
      const fresh = await build();
      for (const apply of changes) apply(fresh);
      this.current = fresh;
      return true;
    } finally {
      this.changesDuringRefresh = null;
    }
  }

  private change(apply: Change): void {
    apply(this.current);
    this.changesDuringRefresh?.push(apply);
  }
}
