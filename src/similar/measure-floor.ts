import type { Example } from '../classify/types.js';
import { RepoTermIndex } from './repo-term-index.js';
import { issueTerms } from './similar-issue-index.js';

/**
 * How the similarity floor is chosen, as a pure function of labelled examples.
 *
 * Same-problem pairs: each example is cut in two at the whitespace nearest the middle of its
 * body; the title plus the first half is the "new issue", the second half the "earlier issue".
 * Both halves describe one narrow problem in different sentences, as a duplicate does, and
 * share its identifiers and error codes but not its wording.
 *
 * Pairs that merely share words: the first half of one example against the second half of an
 * example with a different primary topic, whenever they have a term in common. The taxonomy
 * says such questions are about different things, yet they share the vocabulary of the area
 * (sessions, certificates, error domains, issue-template headings). Pairs of different
 * examples under the same topic are left out of the choice: some are genuine duplicates (the
 * forum holds the same question asked twice), so calling them wrong would be as false as
 * calling them right. `strictPrecision` counts them as wrong anyway, a lower bound.
 *
 * All second halves form one index (one repository), so document frequencies are realistic,
 * and each first half is a query against it. The floor is the lowest cosine at which the
 * pairs at or above it are at least `targetPrecision` same-problem pairs: a wrong suggestion
 * costs more than a missed one. It sits half-way to the next lower score so it does not rest
 * on one example.
 */
/** When no cut reaches the target precision: floor 1 (suggest nothing), precision NaN, recall 0. */
export interface FloorMeasurement {
  floor: number;
  /** Share of same-problem pairs among the labelled pairs at or above the floor. */
  precision: number;
  /** Precision if every pair of two different examples counted as wrong: a lower bound. */
  strictPrecision: number;
  /** Share of same-problem pairs that reach the floor. */
  recall: number;
  /** Labelled pairs scored: same-problem plus word-sharing across topics. */
  pairs: number;
  positives: number;
  negatives: number;
  /** Pairs of different examples under the same topic: scored, not used to choose the floor. */
  unlabelled: number;
  targetPrecision: number;
}

/**
 * Nine suggestions in ten right. Higher targets have no stable cut on the corpus: the few
 * word-sharing pairs above 0.5 are mostly log dumps of the same NSURLErrorDomain failure filed
 * under neighbouring topics, which a reader might well call the same problem.
 */
export const DEFAULT_TARGET_PRECISION = 0.9;

/** Examples whose halves have fewer terms than this say too little to be a pair. */
const minimumTermsPerHalf = 8;

type PairKind = 'same-problem' | 'other-topic' | 'same-topic';

interface ScoredPair {
  score: number;
  kind: PairKind;
}

/** Cuts a body at the whitespace nearest its middle. */
export function splitInHalves(body: string): [string, string] {
  const middle = Math.floor(body.length / 2);
  let cut = -1;
  for (let distance = 0; distance <= middle && cut < 0; distance++) {
    if (/\s/.test(body[middle - distance] ?? '')) cut = middle - distance;
    else if (/\s/.test(body[middle + distance] ?? '')) cut = middle + distance;
  }
  if (cut < 0) cut = middle;
  return [body.slice(0, cut), body.slice(cut)];
}

export function measureSimilarityFloor(examples: readonly Example[], options: { targetPrecision?: number } = {}): FloorMeasurement {
  const targetPrecision = options.targetPrecision ?? DEFAULT_TARGET_PRECISION;
  const index = new RepoTermIndex();
  const queries: string[][] = [];
  const topics: (string | undefined)[] = [];
  for (const example of examples) {
    const [first, second] = splitInHalves(example.body);
    const queryTerms = issueTerms({ title: example.title, body: first });
    const earlierTerms = issueTerms({ title: '', body: second });
    if (queryTerms.length < minimumTermsPerHalf || earlierTerms.length < minimumTermsPerHalf) continue;
    const number = queries.length;
    queries.push(queryTerms);
    topics.push(example.topics[0]);
    index.upsert({ number, title: '', url: '', answered: false, isPrivate: false }, index.countTerms(earlierTerms));
  }

  const pairs: ScoredPair[] = [];
  queries.forEach((terms, number) => {
    const found = index.similar(terms, { includePrivate: true, floor: 0 });
    const own = found.find((f) => f.issue.number === number);
    pairs.push({ score: own?.score ?? 0, kind: 'same-problem' });
    for (const f of found) {
      if (f.issue.number === number) continue;
      pairs.push({ score: f.score, kind: topics[f.issue.number] === topics[number] ? 'same-topic' : 'other-topic' });
    }
  });
  return chooseFloor(pairs, targetPrecision);
}

function chooseFloor(allPairs: ScoredPair[], targetPrecision: number): FloorMeasurement {
  const unlabelled = allPairs.filter((p) => p.kind === 'same-topic');
  const pairs = allPairs.filter((p) => p.kind !== 'same-topic').sort((a, b) => b.score - a.score);
  const positives = pairs.filter((p) => p.kind === 'same-problem').length;
  const counts = { pairs: pairs.length, positives, negatives: pairs.length - positives, unlabelled: unlabelled.length, targetPrecision };

  // Walk down from the highest score; every cut between two distinct scores is a candidate,
  // and the lowest one that still reaches the target wins.
  let truePositives = 0;
  let best = { cutAfter: -1, truePositives: 0 };
  for (let i = 0; i < pairs.length; i++) {
    if (pairs[i].kind === 'same-problem') truePositives++;
    const atDistinctScore = i + 1 === pairs.length || pairs[i + 1].score < pairs[i].score;
    if (atDistinctScore && pairs[i].score > 0 && truePositives / (i + 1) >= targetPrecision) best = { cutAfter: i, truePositives };
  }

  if (best.cutAfter < 0) return { floor: 1, precision: Number.NaN, strictPrecision: Number.NaN, recall: 0, ...counts };
  const floor = (pairs[best.cutAfter].score + (pairs[best.cutAfter + 1]?.score ?? 0)) / 2;
  const unlabelledAbove = unlabelled.filter((p) => p.score >= floor).length;
  return {
    floor,
    precision: best.truePositives / (best.cutAfter + 1),
    strictPrecision: best.truePositives / (best.cutAfter + 1 + unlabelledAbove),
    recall: positives === 0 ? 0 : best.truePositives / positives,
    ...counts,
  };
}
