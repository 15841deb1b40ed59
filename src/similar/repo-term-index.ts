/**
 * An inverted TF-IDF index of one repository's issues.
 *
 * Term statistics follow natural's `TfIdf` exactly: tf is the raw count of a term in a
 * document, idf is `1 + ln(N / (1 + df))` with N the number of documents, and the raw score of
 * a query is the sum over its terms (repeats included) of `tf × idf`. `rawScores` returns that
 * score so a benchmark can check it against natural's `tfidfs`.
 *
 * Suggestions rank by cosine similarity instead, so a score means the same in a repository of
 * 50 issues and one of 100,000 and one floor fits all. Both sides are weighted
 * `(1 + ln tf) × idf`: with raw counts a pasted log that repeats `NSURLErrorDomain` twenty
 * times outweighs the sentence that says what went wrong, and on the corpus measurement
 * (see `measure-floor.ts`) sublinear tf lifted precision at equal recall from about 0.8 to 0.9.
 *
 * A document's norm depends on every idf, and every idf moves when N does. Keeping, per
 * document, three sums over its terms (Σ w², Σ w²·a, Σ w²·a², w the tf weight, a = ln(1 + df))
 * gives the exact norm² as `c²·S0 − 2c·S1 + S2` with c = 1 + ln N for any N, and a change of
 * one term's df only touches the documents holding that term. Those touches wait for the next
 * query, and a bulk load recomputes everything once instead.
 */

export interface IndexedIssue {
  number: number;
  title: string;
  url: string;
  answered: boolean;
  isPrivate: boolean;
  state: 'open' | 'closed';
  updatedAt: string;
}

export interface ScoredIssue {
  issue: IndexedIssue;
  score: number;
}

export interface RankOptions {
  excludeNumber?: number;
  includePrivate: boolean;
  floor: number;
}

/** A document's distinct terms as interleaved `[termId, count, termId, count, …]`. */
export type TermCounts = Uint32Array;

const initialPostingCapacity = 4;

const sublinearTable = Float64Array.from({ length: 256 }, (_, count) => (count === 0 ? 0 : 1 + Math.log(count)));

/** The ranking's term-frequency weight, `1 + ln tf`. */
export function sublinearTf(count: number): number {
  return count < 256 ? sublinearTable[count] : 1 + Math.log(count);
}

function grownFloat64(array: Float64Array<ArrayBuffer>, minLength: number): Float64Array<ArrayBuffer> {
  if (array.length >= minLength) return array;
  const next = new Float64Array(Math.max(minLength, array.length * 2, 16));
  next.set(array);
  return next;
}

function grownInt32(array: Int32Array<ArrayBuffer>, minLength: number): Int32Array<ArrayBuffer> {
  if (array.length >= minLength) return array;
  const next = new Int32Array(Math.max(minLength, array.length * 2, 16));
  next.set(array);
  return next;
}

function countStrings(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

function sameCounts(a: TermCounts, b: TermCounts): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class RepoTermIndex {
  private readonly termIds = new Map<string, number>();
  private readonly terms: string[] = [];
  /** Per term: interleaved `[slot, count, …]`; may hold slots of removed documents until compaction. */
  private postings: Uint32Array[] = [];
  private postingLengths = new Int32Array(0);
  private documentFrequency = new Int32Array(0);
  /** Per term: the `ln(1 + df)` that every live document's norm sums currently assume. */
  private syncedLogDf = new Float64Array(0);
  /** Terms whose df changed since the norm sums were last brought up to date. */
  private staleTerms: number[] = [];
  private isStale = new Uint8Array(0);
  private staleWork = 0;

  private readonly slotOfNumber = new Map<number, number>();
  private issues: (IndexedIssue | undefined)[] = [];
  private counts: (TermCounts | undefined)[] = [];
  private normSum0 = new Float64Array(0);
  private normSum1 = new Float64Array(0);
  private normSum2 = new Float64Array(0);
  private liveCount = 0;
  private totalPostings = 0;

  /** Query scratch space: per slot, the dot product so far (0: not reached). */
  private accumulator = new Float64Array(0);
  private touched = new Int32Array(0);
  /** Query scratch space: per term, its weight in the current query (0 otherwise). */
  private termFactors = new Float64Array(0);

  get size(): number {
    return this.liveCount;
  }

  /** Term ids for the given terms, creating ids for new terms; returns the document's counts. */
  countTerms(terms: readonly string[]): TermCounts {
    const byTerm = countStrings(terms);
    const counts = new Uint32Array(byTerm.size * 2);
    let i = 0;
    for (const [term, count] of byTerm) {
      counts[i++] = this.termId(term);
      counts[i++] = count;
    }
    return counts;
  }

  upsert(issue: IndexedIssue, counts: TermCounts): void {
    const slot = this.slotOfNumber.get(issue.number);
    if (slot !== undefined) {
      const previous = this.counts[slot];
      if (previous && sameCounts(previous, counts)) {
        this.issues[slot] = issue;
        return;
      }
      this.remove(issue.number);
    }
    this.add(issue, counts);
  }

  remove(number: number): boolean {
    const slot = this.slotOfNumber.get(number);
    if (slot === undefined) return false;
    const counts = this.counts[slot]!;
    for (let i = 0; i < counts.length; i += 2) this.changeDocumentFrequency(counts[i], -1);
    this.slotOfNumber.delete(number);
    this.issues[slot] = undefined;
    this.counts[slot] = undefined;
    this.liveCount--;
    return true;
  }

  /** True once removed documents outnumber live ones: time to swap in `compacted()`. */
  get wasteful(): boolean {
    return this.issues.length - this.liveCount > Math.max(1024, this.liveCount);
  }

  /** natural's `TfIdf.tfidf(terms, d)` for every live document that shares a term with the query. */
  rawScores(queryTerms: readonly string[]): Map<number, number> {
    const scores = new Map<number, number>();
    if (this.liveCount === 0) return scores;
    const c = 1 + Math.log(this.liveCount);
    for (const [term, queryCount] of countStrings(queryTerms)) {
      const id = this.termIds.get(term);
      if (id === undefined || this.documentFrequency[id] === 0) continue;
      const weight = queryCount * (c - Math.log(1 + this.documentFrequency[id]));
      const list = this.postings[id];
      const length = this.postingLengths[id];
      for (let i = 0; i < length; i += 2) {
        const issue = this.issues[list[i]];
        if (issue) scores.set(issue.number, (scores.get(issue.number) ?? 0) + weight * list[i + 1]);
      }
    }
    return scores;
  }

  /**
   * Every live issue whose cosine similarity with the query reaches the floor, unordered.
   *
   * Query terms are taken rarest first. By Cauchy–Schwarz, the terms not yet taken can add at
   * most the norm of their share of the query vector to any cosine; once that is below the
   * floor, an issue none of the rarer terms reached cannot reach the floor, so the common terms
   * that remain (whose postings are most of the work) only complete the scores of issues
   * already found. Results are exact: the same issues and scores as a full scan.
   */
  similar(queryTerms: readonly string[], options: RankOptions): ScoredIssue[] {
    if (this.liveCount === 0) return [];
    this.syncNorms();
    this.ensureScratch();
    const c = 1 + Math.log(this.liveCount);
    const known: { id: number; df: number; weight: number }[] = [];
    let queryNormSq = 0;
    for (const [term, queryCount] of countStrings(queryTerms)) {
      const id = this.termIds.get(term);
      const df = id === undefined ? 0 : this.documentFrequency[id];
      const weight = sublinearTf(queryCount) * (c - Math.log(1 + df));
      queryNormSq += weight * weight;
      if (id !== undefined && df > 0) known.push({ id, df, weight });
    }
    known.sort((a, b) => a.df - b.df);

    let split = known.length;
    let tailSq = 0;
    for (let k = known.length - 1; k >= 0; k--) {
      tailSq += known[k].weight * known[k].weight;
      // The margin keeps rounding from ever dropping an issue that sits exactly on the floor.
      if (Math.sqrt(tailSq / queryNormSq) >= options.floor - 1e-9) break;
      split = k;
    }

    const accumulator = this.accumulator;
    let touchedCount = 0;
    for (let k = 0; k < split; k++) {
      const { id, weight } = known[k];
      const factor = weight * (c - Math.log(1 + known[k].df));
      const list = this.postings[id];
      const length = this.postingLengths[id];
      for (let i = 0; i < length; i += 2) {
        const slot = list[i];
        if (accumulator[slot] === 0) this.touched[touchedCount++] = slot;
        accumulator[slot] += factor * sublinearTf(list[i + 1]);
      }
    }
    if (split < known.length) this.completeCandidates(known.slice(split), touchedCount, c);

    const queryNorm = Math.sqrt(queryNormSq);
    const results: ScoredIssue[] = [];
    for (let i = 0; i < touchedCount; i++) {
      const slot = this.touched[i];
      const dot = accumulator[slot];
      accumulator[slot] = 0;
      const issue = this.issues[slot];
      if (!issue || issue.number === options.excludeNumber) continue;
      if (issue.isPrivate && !options.includePrivate) continue;
      const documentNormSq = c * c * this.normSum0[slot] - 2 * c * this.normSum1[slot] + this.normSum2[slot];
      const score = Math.min(1, dot / (queryNorm * Math.sqrt(Math.max(documentNormSq, Number.MIN_VALUE))));
      if (score >= options.floor) results.push({ issue, score });
    }
    return results;
  }

  /**
   * Adds the common terms' share to the issues already in `touched`, by walking either those
   * terms' postings or the candidates' own term lists, whichever is shorter.
   */
  private completeCandidates(common: { id: number; df: number; weight: number }[], touchedCount: number, c: number): void {
    const accumulator = this.accumulator;
    let postingsWork = 0;
    for (const term of common) postingsWork += this.postingLengths[term.id] / 2;
    let candidateWork = 0;
    for (let i = 0; i < touchedCount && candidateWork < postingsWork; i++) candidateWork += (this.counts[this.touched[i]]?.length ?? 0) / 2;

    if (postingsWork <= candidateWork) {
      for (const { id, df, weight } of common) {
        const factor = weight * (c - Math.log(1 + df));
        const list = this.postings[id];
        const length = this.postingLengths[id];
        for (let i = 0; i < length; i += 2) {
          const slot = list[i];
          if (accumulator[slot] !== 0) accumulator[slot] += factor * sublinearTf(list[i + 1]);
        }
      }
      return;
    }
    const factors = this.termFactors;
    for (const { id, df, weight } of common) factors[id] = weight * (c - Math.log(1 + df));
    for (let i = 0; i < touchedCount; i++) {
      const slot = this.touched[i];
      const counts = this.counts[slot];
      if (!counts) continue;
      let sum = 0;
      for (let j = 0; j < counts.length; j += 2) {
        const factor = factors[counts[j]];
        if (factor !== 0) sum += factor * sublinearTf(counts[j + 1]);
      }
      accumulator[slot] += sum;
    }
    for (const { id } of common) factors[id] = 0;
  }

  private ensureScratch(): void {
    if (this.accumulator.length < this.issues.length) {
      this.accumulator = new Float64Array(Math.max(this.issues.length, this.accumulator.length * 2));
      this.touched = new Int32Array(this.accumulator.length);
    }
    if (this.termFactors.length < this.terms.length) this.termFactors = new Float64Array(Math.max(this.terms.length, this.termFactors.length * 2));
  }

  /** The index as plain data, terms in id order, for snapshots. */
  export(): { terms: string[]; issues: IndexedIssue[]; counts: TermCounts[] } {
    const issues: IndexedIssue[] = [];
    const counts: TermCounts[] = [];
    for (let slot = 0; slot < this.issues.length; slot++) {
      const issue = this.issues[slot];
      if (!issue) continue;
      issues.push(issue);
      counts.push(this.counts[slot]!);
    }
    return { terms: [...this.terms], issues, counts };
  }

  /** Rebuilds an index from `export()` output without re-tokenizing anything. */
  static fromExport(data: { terms: readonly string[]; issues: readonly IndexedIssue[]; counts: readonly TermCounts[] }): RepoTermIndex {
    const index = new RepoTermIndex();
    for (const term of data.terms) index.termId(term);
    for (let i = 0; i < data.issues.length; i++) index.upsert(data.issues[i], data.counts[i]);
    index.syncNorms();
    return index;
  }

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.termIds.set(term, id);
      this.terms.push(term);
      this.postings.push(new Uint32Array(initialPostingCapacity));
      this.postingLengths = grownInt32(this.postingLengths, id + 1);
      this.documentFrequency = grownInt32(this.documentFrequency, id + 1);
      this.syncedLogDf = grownFloat64(this.syncedLogDf, id + 1);
      if (this.isStale.length <= id) {
        const grown = new Uint8Array(Math.max(16, this.isStale.length * 2));
        grown.set(this.isStale);
        this.isStale = grown;
      }
    }
    return id;
  }

  private add(issue: IndexedIssue, counts: TermCounts): void {
    const slot = this.issues.length;
    this.issues.push(issue);
    this.counts.push(counts);
    this.slotOfNumber.set(issue.number, slot);
    this.liveCount++;
    this.normSum0 = grownFloat64(this.normSum0, slot + 1);
    this.normSum1 = grownFloat64(this.normSum1, slot + 1);
    this.normSum2 = grownFloat64(this.normSum2, slot + 1);
    let sum0 = 0;
    let sum1 = 0;
    let sum2 = 0;
    for (let i = 0; i < counts.length; i += 2) {
      const term = counts[i];
      const count = counts[i + 1];
      this.appendPosting(term, slot, count);
      this.changeDocumentFrequency(term, +1);
      const weight = sublinearTf(count) ** 2;
      const logDf = this.syncedLogDf[term];
      sum0 += weight;
      sum1 += weight * logDf;
      sum2 += weight * logDf * logDf;
    }
    this.normSum0[slot] = sum0;
    this.normSum1[slot] = sum1;
    this.normSum2[slot] = sum2;
  }

  private appendPosting(term: number, slot: number, count: number): void {
    let list = this.postings[term];
    const length = this.postingLengths[term];
    if (length + 2 > list.length) {
      const grown = new Uint32Array(list.length * 2);
      grown.set(list);
      this.postings[term] = list = grown;
    }
    list[length] = slot;
    list[length + 1] = count;
    this.postingLengths[term] = length + 2;
    this.totalPostings++;
  }

  private changeDocumentFrequency(term: number, delta: number): void {
    this.documentFrequency[term] += delta;
    if (this.isStale[term] === 0) {
      this.isStale[term] = 1;
      this.staleTerms.push(term);
      this.staleWork += this.postingLengths[term] / 2;
    }
  }

  /** Brings every live document's norm sums up to date with the current document frequencies. */
  private syncNorms(): void {
    if (this.staleTerms.length === 0) return;
    if (this.staleWork > this.totalPostings / 2) {
      this.recomputeNorms();
      return;
    }
    for (const term of this.staleTerms) {
      const logDf = Math.log(1 + this.documentFrequency[term]);
      const previous = this.syncedLogDf[term];
      if (logDf === previous) continue;
      const delta1 = logDf - previous;
      const delta2 = logDf * logDf - previous * previous;
      const list = this.postings[term];
      const length = this.postingLengths[term];
      for (let i = 0; i < length; i += 2) {
        const slot = list[i];
        if (!this.issues[slot]) continue;
        const weight = sublinearTf(list[i + 1]) ** 2;
        this.normSum1[slot] += weight * delta1;
        this.normSum2[slot] += weight * delta2;
      }
      this.syncedLogDf[term] = logDf;
    }
    this.clearStale();
  }

  private clearStale(): void {
    for (const term of this.staleTerms) this.isStale[term] = 0;
    this.staleTerms = [];
    this.staleWork = 0;
  }

  private recomputeNorms(): void {
    for (let term = 0; term < this.terms.length; term++) this.syncedLogDf[term] = Math.log(1 + this.documentFrequency[term]);
    for (let slot = 0; slot < this.issues.length; slot++) {
      const counts = this.counts[slot];
      if (!counts) continue;
      let sum0 = 0;
      let sum1 = 0;
      let sum2 = 0;
      for (let i = 0; i < counts.length; i += 2) {
        const weight = sublinearTf(counts[i + 1]) ** 2;
        const logDf = this.syncedLogDf[counts[i]];
        sum0 += weight;
        sum1 += weight * logDf;
        sum2 += weight * logDf * logDf;
      }
      this.normSum0[slot] = sum0;
      this.normSum1[slot] = sum1;
      this.normSum2[slot] = sum2;
    }
    this.clearStale();
  }

  /** A copy without removed documents and unused terms. */
  compacted(): RepoTermIndex {
    const fresh = new RepoTermIndex();
    for (let slot = 0; slot < this.issues.length; slot++) {
      const issue = this.issues[slot];
      const counts = this.counts[slot];
      if (!issue || !counts) continue;
      const remapped = new Uint32Array(counts.length);
      for (let j = 0; j < counts.length; j += 2) {
        remapped[j] = fresh.termId(this.terms[counts[j]]);
        remapped[j + 1] = counts[j + 1];
      }
      fresh.add(issue, remapped);
    }
    return fresh;
  }
}
