import { countTerms } from '../classify/tokenize.js';
import { grown } from './grown.js';

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

/**
 * A posting is one u32: the document's slot in the high 24 bits, its count of the term in the
 * low 8. A count of 255 or more is stored as 255 and read back exactly from the document's own
 * term list, so long logs stay exact without doubling the postings for everyone.
 */
const countBits = 8;
const countOverflow = 255;
const maxSlots = 2 ** (32 - countBits);

/** See `similar`: new candidates stop once the remaining terms could add less than this share of the floor. */
const newcomerShare = 0.75;

const live = 1;
const answeredFlag = 2;
const privateFlag = 4;

const sublinearTable = Float64Array.from({ length: 256 }, (_, count) => (count === 0 ? 0 : 1 + Math.log(count)));

/** The ranking's term-frequency weight, `1 + ln tf`. */
export function sublinearTf(count: number): number {
  return count < 256 ? sublinearTable[count] : 1 + Math.log(count);
}

interface QueryTerm {
  id: number;
  df: number;
  /** `(1 + ln queryCount) × idf`: the term's weight in the query vector. */
  weight: number;
  /** `weight × idf`: multiplied by a document's `1 + ln tf`, the term's share of the dot product. */
  factor: number;
}

export class RepoTermIndex {
  private readonly termIds = new Map<string, number>();
  private readonly terms: string[] = [];
  /** Per term: packed postings; may hold slots of removed documents until compaction. */
  private readonly postings: Uint32Array[] = [];
  private postingLengths = new Int32Array(0);
  private documentFrequency = new Int32Array(0);
  /** Per term: the `ln(1 + df)` that every live document's norm sums currently assume. */
  private syncedLogDf = new Float64Array(0);
  /** Terms whose df changed since the norm sums were last brought up to date. */
  private staleTerms: number[] = [];
  private isStale = new Uint8Array(0);

  /** Documents live in slots; an edited or removed issue leaves its old slot dead until compaction. */
  private readonly slotOfNumber = new Map<number, number>();
  private slotCount = 0;
  private numbers = new Int32Array(0);
  private flags = new Uint8Array(0);
  private readonly titles: string[] = [];
  private readonly urls: string[] = [];
  /**
   * Every slot's distinct terms back to back (a slot's run: `termsLength` entries from
   * `termsStart`), with their counts beside them in a byte each; 255 means "255 or more" and
   * the exact count is in `overflowCounts` under the same position.
   */
  private termPool = new Uint32Array(0);
  private countPool = new Uint8Array(0);
  private readonly overflowCounts = new Map<number, number>();
  private termPoolLength = 0;
  private termsStart = new Int32Array(0);
  private termsLength = new Int32Array(0);
  /** Per slot, side by side so one cache line serves a query: Σ w², Σ w²·a, Σ w²·a². */
  private normSums = new Float64Array(0);
  private totalPostings = 0;

  /** Query scratch space: per slot, the dot product so far (0: not reached). */
  private accumulator = new Float64Array(0);
  private touched = new Int32Array(0);
  /** Query scratch space: per term, its factor in the current query (0 otherwise). */
  private termFactors = new Float64Array(0);

  get size(): number {
    return this.slotOfNumber.size;
  }

  /** True once removed documents outnumber live ones: time to swap in `compacted()`. */
  get wasteful(): boolean {
    return this.slotCount - this.size > Math.max(1024, this.size);
  }

  /** Term ids for the given terms, creating ids for new terms; returns the document's counts. */
  countTerms(terms: readonly string[]): TermCounts {
    const byTerm = countTerms(terms);
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
      if (this.sameTerms(slot, counts)) {
        this.describe(slot, issue);
        return;
      }
      this.remove(issue.number);
    }
    this.add(issue, counts);
  }

  remove(number: number): boolean {
    const slot = this.slotOfNumber.get(number);
    if (slot === undefined) return false;
    const start = this.termsStart[slot];
    const end = start + this.termsLength[slot];
    for (let i = start; i < end; i++) {
      this.changeDocumentFrequency(this.termPool[i], -1);
      if (this.countPool[i] === countOverflow) this.overflowCounts.delete(i);
    }
    this.slotOfNumber.delete(number);
    this.flags[slot] = 0;
    this.titles[slot] = '';
    this.urls[slot] = '';
    return true;
  }

  /** natural's `TfIdf.tfidf(terms, d)` for every live document that shares a term with the query. */
  rawScores(queryTerms: readonly string[]): Map<number, number> {
    const scores = new Map<number, number>();
    if (this.size === 0) return scores;
    const c = 1 + Math.log(this.size);
    for (const [term, queryCount] of countTerms(queryTerms)) {
      const id = this.termIds.get(term);
      if (id === undefined || this.documentFrequency[id] === 0) continue;
      const weight = queryCount * (c - Math.log(1 + this.documentFrequency[id]));
      const list = this.postings[id];
      const length = this.postingLengths[id];
      for (let i = 0; i < length; i++) {
        const slot = list[i] >>> countBits;
        if ((this.flags[slot] & live) === 0) continue;
        const number = this.numbers[slot];
        scores.set(number, (scores.get(number) ?? 0) + weight * this.countAt(list[i], id));
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
   * already found, and only of those whose partial score plus that bound reaches the floor.
   * Results are exact: the same issues and scores as a full scan.
   *
   * Stopping new arrivals at exactly the floor would leave the bound so close to it that no
   * candidate could be dropped; stopping at `newcomerShare` of it costs a few more postings
   * and drops most candidates (on generated issues at 20,000: a fifth of the work at the
   * median, a third at p99).
   */
  similar(queryTerms: readonly string[], options: RankOptions): ScoredIssue[] {
    if (this.size === 0) return [];
    this.syncNorms();
    this.ensureScratch();
    const c = 1 + Math.log(this.size);
    const known: QueryTerm[] = [];
    let queryNormSq = 0;
    for (const [term, queryCount] of countTerms(queryTerms)) {
      const id = this.termIds.get(term);
      const df = id === undefined ? 0 : this.documentFrequency[id];
      const idf = c - Math.log(1 + df);
      const weight = sublinearTf(queryCount) * idf;
      queryNormSq += weight * weight;
      if (id !== undefined && df > 0) known.push({ id, df, weight, factor: weight * idf });
    }
    known.sort((a, b) => a.df - b.df);

    let split = known.length;
    let tailSq = 0;
    for (let k = known.length - 1; k >= 0; k--) {
      const withThis = tailSq + known[k].weight * known[k].weight;
      if (Math.sqrt(withThis / queryNormSq) >= newcomerShare * options.floor) break;
      tailSq = withThis;
      split = k;
    }

    // When the rarer terms reach more than about a tenth of all issues, sweeping every slot in
    // order (a few ns each) is cheaper than chasing a list of touched ones around memory (tens
    // of ns each once the index outgrows the caches).
    let phaseOnePostings = 0;
    for (let k = 0; k < split; k++) phaseOnePostings += this.postingLengths[known[k].id];
    const dense = phaseOnePostings > this.slotCount / 10;

    const accumulator = this.accumulator;
    let touchedCount = 0;
    for (let k = 0; k < split; k++) {
      const { id, factor } = known[k];
      const list = this.postings[id];
      const length = this.postingLengths[id];
      for (let i = 0; i < length; i++) {
        const posting = list[i];
        const slot = posting >>> countBits;
        const count = posting & countOverflow;
        if (!dense && accumulator[slot] === 0) this.touched[touchedCount++] = slot;
        accumulator[slot] += factor * (count === countOverflow ? sublinearTf(this.countAt(posting, id)) : sublinearTable[count]);
      }
    }

    const queryNorm = Math.sqrt(queryNormSq);
    // An issue's cosine can grow by at most the remaining terms' share of the query vector.
    const remainingBound = Math.sqrt(tailSq) / queryNorm;
    // Squared, to spare a square root per candidate; the margin keeps rounding from ever
    // dropping an issue that sits exactly on the floor.
    const partialNeeded = Math.max(0, (options.floor - remainingBound - 1e-9) * queryNorm);
    const partialNeededSq = partialNeeded * partialNeeded;
    let kept = 0;
    const candidates = dense ? this.slotCount : touchedCount;
    for (let i = 0; i < candidates; i++) {
      const slot = dense ? i : this.touched[i];
      const partial = accumulator[slot];
      if (partial === 0) continue;
      if (partial * partial < partialNeededSq * this.documentNormSq(slot, c)) {
        accumulator[slot] = 0;
        continue;
      }
      const flags = this.flags[slot];
      const eligible = (flags & live) !== 0 && ((flags & privateFlag) === 0 || options.includePrivate) && this.numbers[slot] !== options.excludeNumber;
      if (eligible) this.touched[kept++] = slot;
      else accumulator[slot] = 0;
    }
    if (split < known.length) this.completeCandidates(known.slice(split), kept);

    const results: ScoredIssue[] = [];
    for (let i = 0; i < kept; i++) {
      const slot = this.touched[i];
      const score = Math.min(1, accumulator[slot] / (queryNorm * Math.sqrt(this.documentNormSq(slot, c))));
      accumulator[slot] = 0;
      if (score >= options.floor) results.push({ issue: this.issueAt(slot), score });
    }
    return results;
  }

  /** `|d|²` from the norm sums, with `c = 1 + ln N`. */
  private documentNormSq(slot: number, c: number): number {
    const sums = this.normSums;
    return Math.max(c * c * sums[3 * slot] - 2 * c * sums[3 * slot + 1] + sums[3 * slot + 2], Number.MIN_VALUE);
  }

  /** The live issues and the terms they use (renumbered densely), for snapshots and compaction. */
  export(): { terms: string[]; issues: IndexedIssue[]; counts: TermCounts[] } {
    const newId = new Int32Array(this.terms.length).fill(-1);
    const terms: string[] = [];
    const issues: IndexedIssue[] = [];
    const counts: TermCounts[] = [];
    for (let slot = 0; slot < this.slotCount; slot++) {
      if ((this.flags[slot] & live) === 0) continue;
      const start = this.termsStart[slot];
      const renumbered = new Uint32Array(this.termsLength[slot] * 2);
      for (let j = 0; j < this.termsLength[slot]; j++) {
        const old = this.termPool[start + j];
        if (newId[old] < 0) {
          newId[old] = terms.length;
          terms.push(this.terms[old]);
        }
        renumbered[2 * j] = newId[old];
        renumbered[2 * j + 1] = this.poolCount(start + j);
      }
      issues.push(this.issueAt(slot));
      counts.push(renumbered);
    }
    return { terms, issues, counts };
  }

  /**
   * Builds an index from `export()` output without re-tokenizing anything. Every array is
   * sized from the counts first, so a bulk load copies nothing and leaves no spare capacity.
   */
  static fromExport(data: { terms: readonly string[]; issues: readonly IndexedIssue[]; counts: readonly TermCounts[] }): RepoTermIndex {
    const index = new RepoTermIndex();
    for (const term of data.terms) index.termId(term);
    const postingsPerTerm = new Int32Array(data.terms.length);
    let poolLength = 0;
    for (const counts of data.counts) {
      poolLength += counts.length / 2;
      for (let j = 0; j < counts.length; j += 2) postingsPerTerm[counts[j]]++;
    }
    for (let term = 0; term < data.terms.length; term++) index.postings[term] = new Uint32Array(postingsPerTerm[term]);
    index.termPool = new Uint32Array(poolLength);
    index.countPool = new Uint8Array(poolLength);
    for (let i = 0; i < data.issues.length; i++) index.upsert(data.issues[i], data.counts[i]);
    index.syncNorms();
    return index;
  }

  /** A copy without removed documents and unused terms. */
  compacted(): RepoTermIndex {
    return RepoTermIndex.fromExport(this.export());
  }

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.termIds.set(term, id);
      this.terms.push(term);
      this.postings.push(new Uint32Array(2));
      this.postingLengths = grown(this.postingLengths, id + 1);
      this.documentFrequency = grown(this.documentFrequency, id + 1);
      this.syncedLogDf = grown(this.syncedLogDf, id + 1);
      this.isStale = grown(this.isStale, id + 1);
    }
    return id;
  }

  private issueAt(slot: number): IndexedIssue {
    const flags = this.flags[slot];
    return { number: this.numbers[slot], title: this.titles[slot], url: this.urls[slot], answered: (flags & answeredFlag) !== 0, isPrivate: (flags & privateFlag) !== 0 };
  }

  private describe(slot: number, issue: IndexedIssue): void {
    this.numbers[slot] = issue.number;
    this.flags[slot] = live | (issue.answered ? answeredFlag : 0) | (issue.isPrivate ? privateFlag : 0);
    this.titles[slot] = issue.title;
    this.urls[slot] = issue.url;
  }

  private sameTerms(slot: number, counts: TermCounts): boolean {
    if (this.termsLength[slot] * 2 !== counts.length) return false;
    const start = this.termsStart[slot];
    for (let j = 0; j < this.termsLength[slot]; j++) {
      if (this.termPool[start + j] !== counts[2 * j] || this.poolCount(start + j) !== counts[2 * j + 1]) return false;
    }
    return true;
  }

  /** The exact count behind a posting, looked up in the document's own list when it overflowed. */
  private countAt(posting: number, term: number): number {
    const count = posting & countOverflow;
    if (count !== countOverflow) return count;
    const slot = posting >>> countBits;
    const start = this.termsStart[slot];
    const end = start + this.termsLength[slot];
    for (let i = start; i < end; i++) if (this.termPool[i] === term) return this.poolCount(i);
    return count;
  }

  private poolCount(position: number): number {
    const count = this.countPool[position];
    return count === countOverflow ? this.overflowCounts.get(position)! : count;
  }

  private add(issue: IndexedIssue, counts: TermCounts): void {
    const slot = this.slotCount++;
    if (slot >= maxSlots) throw new RangeError(`a repository index holds at most ${maxSlots} slots`);
    this.numbers = grown(this.numbers, slot + 1);
    this.flags = grown(this.flags, slot + 1);
    this.termsStart = grown(this.termsStart, slot + 1);
    this.termsLength = grown(this.termsLength, slot + 1);
    this.normSums = grown(this.normSums, 3 * slot + 3);
    this.describe(slot, issue);
    this.slotOfNumber.set(issue.number, slot);

    const start = this.termPoolLength;
    const pairs = counts.length / 2;
    this.termPool = grown(this.termPool, start + pairs, 1.5);
    this.countPool = grown(this.countPool, start + pairs, 1.5);
    for (let j = 0; j < pairs; j++) {
      this.termPool[start + j] = counts[2 * j];
      this.countPool[start + j] = Math.min(counts[2 * j + 1], countOverflow);
      if (counts[2 * j + 1] >= countOverflow) this.overflowCounts.set(start + j, counts[2 * j + 1]);
    }
    this.termsStart[slot] = start;
    this.termsLength[slot] = pairs;
    this.termPoolLength += pairs;

    let sum0 = 0;
    let sum1 = 0;
    let sum2 = 0;
    for (let i = 0; i < counts.length; i += 2) {
      const term = counts[i];
      const count = counts[i + 1];
      this.appendPosting(term, (slot << countBits) + Math.min(count, countOverflow));
      this.changeDocumentFrequency(term, +1);
      const weight = sublinearTf(count) ** 2;
      const logDf = this.syncedLogDf[term];
      sum0 += weight;
      sum1 += weight * logDf;
      sum2 += weight * logDf * logDf;
    }
    this.normSums[3 * slot] = sum0;
    this.normSums[3 * slot + 1] = sum1;
    this.normSums[3 * slot + 2] = sum2;
  }

  private appendPosting(term: number, posting: number): void {
    const length = this.postingLengths[term];
    const list = (this.postings[term] = grown(this.postings[term] as Uint32Array<ArrayBuffer>, length + 1));
    list[length] = posting;
    this.postingLengths[term] = length + 1;
    this.totalPostings++;
  }

  private changeDocumentFrequency(term: number, delta: number): void {
    this.documentFrequency[term] += delta;
    if (this.isStale[term] === 0) {
      this.isStale[term] = 1;
      this.staleTerms.push(term);
    }
  }

  /** Brings every live document's norm sums up to date with the current document frequencies. */
  private syncNorms(): void {
    if (this.staleTerms.length === 0) return;
    let staleWork = 0;
    for (const term of this.staleTerms) staleWork += this.postingLengths[term];
    if (staleWork > this.totalPostings / 2) {
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
      for (let i = 0; i < length; i++) {
        const slot = list[i] >>> countBits;
        if ((this.flags[slot] & live) === 0) continue;
        const weight = sublinearTf(this.countAt(list[i], term)) ** 2;
        this.normSums[3 * slot + 1] += weight * delta1;
        this.normSums[3 * slot + 2] += weight * delta2;
      }
      this.syncedLogDf[term] = logDf;
    }
    this.clearStale();
  }

  private clearStale(): void {
    for (const term of this.staleTerms) this.isStale[term] = 0;
    this.staleTerms = [];
  }

  private recomputeNorms(): void {
    for (let term = 0; term < this.terms.length; term++) this.syncedLogDf[term] = Math.log(1 + this.documentFrequency[term]);
    for (let slot = 0; slot < this.slotCount; slot++) {
      if ((this.flags[slot] & live) === 0) continue;
      const start = this.termsStart[slot];
      const end = start + this.termsLength[slot];
      let sum0 = 0;
      let sum1 = 0;
      let sum2 = 0;
      for (let i = start; i < end; i++) {
        const weight = sublinearTf(this.poolCount(i)) ** 2;
        const logDf = this.syncedLogDf[this.termPool[i]];
        sum0 += weight;
        sum1 += weight * logDf;
        sum2 += weight * logDf * logDf;
      }
      this.normSums[3 * slot] = sum0;
      this.normSums[3 * slot + 1] = sum1;
      this.normSums[3 * slot + 2] = sum2;
    }
    this.clearStale();
  }

  /**
   * Adds the common terms' share to the issues already in `touched`, by walking either those
   * terms' postings or the candidates' own term lists, whichever is shorter.
   */
  private completeCandidates(common: QueryTerm[], touchedCount: number): void {
    const accumulator = this.accumulator;
    let postingsWork = 0;
    for (const term of common) postingsWork += this.postingLengths[term.id];
    let candidateWork = 0;
    for (let i = 0; i < touchedCount && candidateWork < postingsWork; i++) candidateWork += this.termsLength[this.touched[i]];

    if (postingsWork <= candidateWork) {
      for (const { id, factor } of common) {
        const list = this.postings[id];
        const length = this.postingLengths[id];
        for (let i = 0; i < length; i++) {
          const slot = list[i] >>> countBits;
          if (accumulator[slot] !== 0) accumulator[slot] += factor * sublinearTf(this.countAt(list[i], id));
        }
      }
      return;
    }
    const factors = this.termFactors;
    for (const { id, factor } of common) factors[id] = factor;
    const pool = this.termPool;
    for (let i = 0; i < touchedCount; i++) {
      const slot = this.touched[i];
      const start = this.termsStart[slot];
      const end = start + this.termsLength[slot];
      let sum = 0;
      for (let j = start; j < end; j++) {
        const factor = factors[pool[j]];
        if (factor !== 0) sum += factor * sublinearTf(this.poolCount(j));
      }
      accumulator[slot] += sum;
    }
    for (const { id } of common) factors[id] = 0;
  }

  private ensureScratch(): void {
    if (this.accumulator.length < this.slotCount) {
      this.accumulator = new Float64Array(Math.max(this.slotCount, this.accumulator.length * 2));
      this.touched = new Int32Array(this.accumulator.length);
    }
    if (this.termFactors.length < this.terms.length) this.termFactors = new Float64Array(Math.max(this.terms.length, this.termFactors.length * 2));
  }
}
