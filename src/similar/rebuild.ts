import type { Store } from '../store/store.js';
import type { StoredIssue } from '../store/types.js';
import { pageTerms, vocabularySeparator, type PageTerms } from './page-terms.js';
import { indexedIssue, SimilarIssueIndex } from './similar-issue-index.js';
import type { RepoSnapshot } from './snapshot.js';
import { defaultTermThreadCount, TermThreads } from './term-threads.js';

export interface RebuildOptions {
  /** Issues read from the store at a time (default 1000). */
  pageSize?: number;
  /** Threads that tokenize once the store holds more than one page (default: one per core; 0: tokenize here). */
  threads?: number;
}

/** One repository's issues and terms as they arrive, in the shape an index is bulk-built from. */
class RepoCollector {
  readonly snapshot: RepoSnapshot;
  private readonly termIds = new Map<string, number>();

  constructor(repo: string) {
    this.snapshot = { repo, terms: [], issues: [], counts: [] };
  }

  termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.snapshot.terms.length;
      this.termIds.set(term, id);
      this.snapshot.terms.push(term);
    }
    return id;
  }
}

/** Renumbers a page's counts from its own vocabulary into each repository's term ids. */
function collectPage(page: readonly StoredIssue[], terms: PageTerms, collectors: Map<string, RepoCollector>): void {
  const words = terms.vocabulary.split(vocabularySeparator);
  let repo: string | undefined;
  let collector: RepoCollector | undefined;
  let ids = new Int32Array(0);
  for (let i = 0; i < page.length; i++) {
    if (page[i].repo !== repo) {
      repo = page[i].repo;
      collector = collectors.get(repo);
      if (!collector) collectors.set(repo, (collector = new RepoCollector(repo)));
      ids = new Int32Array(words.length).fill(-1);
    }
    const pairs = terms.counts.subarray(terms.offsets[i], terms.offsets[i + 1]);
    const counts = new Uint32Array(pairs.length);
    for (let j = 0; j < pairs.length; j += 2) {
      const word = pairs[j];
      if (ids[word] < 0) ids[word] = collector!.termId(words[word]);
      counts[j] = ids[word];
      counts[j + 1] = pairs[j + 1];
    }
    collector!.snapshot.issues.push(indexedIssue(page[i]));
    collector!.snapshot.counts.push(counts);
  }
}

/**
 * Builds the similar-issue index from every stored issue, so a restart needs neither GitHub nor
 * a snapshot. Issues are read a page at a time in (repo, number) order. Tokenizing is most of the
 * work: once the store holds more than one page it runs on worker threads while this thread reads
 * the next pages; each repository's index is then built in one pass, like a snapshot load.
 */
export async function rebuildFromStore(store: Pick<Store, 'listIssues'>, options: RebuildOptions = {}): Promise<SimilarIssueIndex> {
  const limit = options.pageSize ?? 1000;
  const threadCount = options.threads ?? defaultTermThreadCount();
  const collectors = new Map<string, RepoCollector>();
  const inFlight: Array<{ page: StoredIssue[]; terms: Promise<PageTerms> }> = [];
  const collectOldest = async () => {
    const { page, terms } = inFlight.shift()!;
    collectPage(page, await terms, collectors);
  };
  let threads: TermThreads | null = null;
  let cursor: { afterRepo: string; afterNumber: number } | undefined;
  try {
    for (;;) {
      const page = await store.listIssues({ ...cursor, limit });
      const more = page.length === limit;
      if (more && threadCount > 0) threads ??= TermThreads.start(threadCount);
      const terms = threads ? threads.pageTerms(page) : Promise.resolve(pageTerms(page));
      // Handled when its turn comes; until then a failure must not count as unhandled.
      terms.catch(() => undefined);
      inFlight.push({ page, terms });
      if (inFlight.length > threadCount) await collectOldest();
      if (!more) break;
      const last = page[page.length - 1];
      cursor = { afterRepo: last.repo, afterNumber: last.number };
    }
    while (inFlight.length > 0) await collectOldest();
  } finally {
    await threads?.close();
  }
  return SimilarIssueIndex.fromExports([...collectors.values()].map((collector) => collector.snapshot));
}
