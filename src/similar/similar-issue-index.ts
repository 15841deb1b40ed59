import type { IssueText } from '../classify/types.js';
import { tokenize } from '../classify/tokenize.js';
import type { SimilarIssueRef, StoredIssue } from '../store/types.js';
import { DEFAULT_SIMILARITY_FLOOR } from './default-floor.js';
import { RepoTermIndex, type IndexedIssue, type ScoredIssue } from './repo-term-index.js';
import { decodeSnapshot, encodeSnapshot, type RepoSnapshot } from './snapshot.js';

export interface SimilarQueryOptions {
  /** The issue being answered, which may already be in the index. */
  excludeNumber?: number;
  /** True only when the reply itself is private: a public reply never links a private issue. */
  includePrivate: boolean;
  /** At most this many suggestions (default 3). */
  limit?: number;
  /** Minimum cosine similarity (default: the measured `DEFAULT_SIMILARITY_FLOOR`). */
  floor?: number;
}

export const DEFAULT_SIMILAR_LIMIT = 3;

/** The terms an issue is indexed and queried by: title and body through the classifier's tokenizer. */
export function issueTerms(text: IssueText): string[] {
  return tokenize(`${text.title}\n${text.body}`);
}

/** What the index keeps of a stored issue besides its terms. */
export function indexedIssue(issue: StoredIssue): IndexedIssue {
  return { number: issue.number, title: issue.title, url: issue.url, answered: issue.answered, isPrivate: issue.isPrivate };
}

/** Answered issues first (they likely hold the fix), then by similarity, then oldest first. */
function suggestionOrder(a: ScoredIssue, b: ScoredIssue): number {
  if (a.issue.answered !== b.issue.answered) return a.issue.answered ? -1 : 1;
  if (a.score !== b.score) return b.score - a.score;
  return a.issue.number - b.issue.number;
}

/** TF-IDF indexes of every watched repository's issues, one per repository, in memory. */
export class SimilarIssueIndex {
  private readonly repos = new Map<string, RepoTermIndex>();

  /** Issues indexed, over all repositories. */
  get size(): number {
    let total = 0;
    for (const index of this.repos.values()) total += index.size;
    return total;
  }

  upsert(issue: StoredIssue): void {
    let index = this.repos.get(issue.repo);
    if (!index) {
      index = new RepoTermIndex();
      this.repos.set(issue.repo, index);
    }
    index.upsert(indexedIssue(issue), index.countTerms(issueTerms(issue)));
    this.compactIfWasteful(issue.repo, index);
  }

  /** Returns false when the issue was not indexed. */
  remove(repo: string, number: number): boolean {
    const index = this.repos.get(repo);
    if (!index?.remove(number)) return false;
    if (index.size === 0) this.repos.delete(repo);
    else this.compactIfWasteful(repo, index);
    return true;
  }

  /** Edits and removals leave dead slots behind; once they outnumber live issues, start afresh. */
  private compactIfWasteful(repo: string, index: RepoTermIndex): void {
    if (index.wasteful) this.repos.set(repo, index.compacted());
  }

  /** Earlier issues of the same repository similar to `text`; empty when none clears the floor. */
  query(repo: string, text: IssueText, options: SimilarQueryOptions): SimilarIssueRef[] {
    const index = this.repos.get(repo);
    if (!index) return [];
    const found = index.similar(issueTerms(text), {
      excludeNumber: options.excludeNumber,
      includePrivate: options.includePrivate,
      floor: options.floor ?? DEFAULT_SIMILARITY_FLOOR,
    });
    return found
      .sort(suggestionOrder)
      .slice(0, options.limit ?? DEFAULT_SIMILAR_LIMIT)
      .map(({ issue, score }) => ({ repo, number: issue.number, title: issue.title, url: issue.url, score, answered: issue.answered }));
  }

  /** natural's raw `TfIdf` score of `terms` against each issue of `repo` sharing a term (issue number → score). */
  rawScores(repo: string, terms: readonly string[]): Map<number, number> {
    return this.repos.get(repo)?.rawScores(terms) ?? new Map();
  }

  toSnapshot(): Uint8Array {
    return encodeSnapshot([...this.repos].map(([repo, index]) => ({ repo, ...index.export() })));
  }

  /** Throws `SbError('SIMILAR_SNAPSHOT_INVALID')` when the bytes are not a usable snapshot. */
  static fromSnapshot(bytes: Uint8Array): SimilarIssueIndex {
    return SimilarIssueIndex.fromExports(decodeSnapshot(bytes));
  }

  /** Builds each repository's index in one pass from its terms and counted issues. */
  static fromExports(repos: Iterable<RepoSnapshot>): SimilarIssueIndex {
    const index = new SimilarIssueIndex();
    for (const repo of repos) if (repo.issues.length > 0) index.repos.set(repo.repo, RepoTermIndex.fromExport(repo));
    return index;
  }
}
