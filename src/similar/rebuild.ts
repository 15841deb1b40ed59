import type { Store } from '../store/store.js';
import type { StoredIssue } from '../store/types.js';
import { grown } from './grown.js';
import { PageTermCounter, vocabularySeparator, type PageTerms } from './page-terms.js';
import { indexedIssue, SimilarIssueIndex } from './similar-issue-index.js';
import type { RepoSnapshot } from './snapshot.js';
import { defaultTermThreadCount, TermThreads, type CountedPage } from './term-threads.js';

export interface RebuildOptions {
  /** Issues read from the store at a time (default 1000). */
  pageSize?: number;
  /** Threads that tokenize once the store holds more than one page (default: one per core; 0: tokenize here). */
  threads?: number;
  /** Only this repository's issues (default: every repository's). */
  repo?: string;
}

/** One repository's issues, in the shape an index is bulk-built from, and its term ids by rebuild-wide id. */
class RepoCollector {
  readonly snapshot: RepoSnapshot;
  /** By rebuild-wide word id: the repository's term id plus one (0: the repository has not used the word). */
  private repoIdOf = new Int32Array(0);

  constructor(repo: string) {
    this.snapshot = { repo, terms: [], issues: [], counts: [] };
  }

  termId(wordId: number, words: readonly string[]): number {
    this.repoIdOf = grown(this.repoIdOf, wordId + 1);
    if (this.repoIdOf[wordId] === 0) {
      this.snapshot.terms.push(words[wordId]);
      this.repoIdOf[wordId] = this.snapshot.terms.length;
    }
    return this.repoIdOf[wordId] - 1;
  }
}

/**
 * Turns counted pages into per-repository index data. Each counter (a thread, or this thread)
 * numbers words its own way and sends each word once; a word's first sight maps it to one
 * rebuild-wide id, so the string lookups are per word, not per word per page.
 */
class RebuildCollector {
  readonly repos = new Map<string, RepoCollector>();
  private readonly wordIds = new Map<string, number>();
  private readonly words: string[] = [];
  /** Per counter: the rebuild-wide id of each of its word indexes, and how many words it has sent. */
  private readonly counters: Array<{ wordIdOf: Int32Array<ArrayBuffer>; known: number }> = [];

  collect(page: readonly StoredIssue[], { thread, terms }: CountedPage): void {
    const { wordIdOf } = this.learnWords(thread, terms);
    let repo: RepoCollector | undefined;
    for (let i = 0; i < page.length; i++) {
      if (repo?.snapshot.repo !== page[i].repo) {
        repo = this.repos.get(page[i].repo);
        if (!repo) this.repos.set(page[i].repo, (repo = new RepoCollector(page[i].repo)));
      }
      const pairs = terms.counts.subarray(terms.offsets[i], terms.offsets[i + 1]);
      const counts = new Uint32Array(pairs.length);
      for (let j = 0; j < pairs.length; j += 2) {
        counts[j] = repo.termId(wordIdOf[pairs[j]], this.words);
        counts[j + 1] = pairs[j + 1];
      }
      repo.snapshot.issues.push(indexedIssue(page[i]));
      repo.snapshot.counts.push(counts);
    }
  }

  private learnWords(thread: number, terms: PageTerms): { wordIdOf: Int32Array<ArrayBuffer> } {
    const counter = (this.counters[thread] ??= { wordIdOf: new Int32Array(0), known: 0 });
    if (terms.newWords === '') return counter;
    const added = terms.newWords.split(vocabularySeparator);
    counter.wordIdOf = grown(counter.wordIdOf, counter.known + added.length);
    for (const word of added) {
      let id = this.wordIds.get(word);
      if (id === undefined) {
        id = this.words.length;
        this.wordIds.set(word, id);
        this.words.push(word);
      }
      counter.wordIdOf[counter.known++] = id;
    }
    return counter;
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
  const collector = new RebuildCollector();
  const localCounter = new PageTermCounter();
  const inFlight: Array<{ page: StoredIssue[]; counted: Promise<CountedPage> }> = [];
  const collectOldest = async () => {
    const { page, counted } = inFlight.shift()!;
    collector.collect(page, await counted);
  };
  let threads: TermThreads | null = null;
  let cursor: { afterRepo: string; afterNumber: number } | undefined;
  try {
    for (;;) {
      const page = await store.listIssues({ repo: options.repo, ...cursor, limit });
      const more = page.length === limit;
      if (more && threadCount > 0) threads ??= TermThreads.start(threadCount);
      // This thread's own counter is the one after the pool's threads.
      const counted = threads ? threads.count(page) : Promise.resolve({ thread: threadCount, terms: localCounter.count(page) });
      // Handled when its turn comes; until then a failure must not count as unhandled.
      counted.catch(() => undefined);
      inFlight.push({ page, counted });
      if (inFlight.length > threadCount) await collectOldest();
      if (!more) break;
      const last = page[page.length - 1];
      cursor = { afterRepo: last.repo, afterNumber: last.number };
    }
    while (inFlight.length > 0) await collectOldest();
  } finally {
    await threads?.close();
  }
  return SimilarIssueIndex.fromExports([...collector.repos.values()].map((repo) => repo.snapshot));
}
