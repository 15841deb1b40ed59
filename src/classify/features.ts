import { tokenize } from './tokenize.js';
import type { FeatureOptions, IssueText } from './types.js';

export const defaultFeatureOptions: FeatureOptions = {
  titleWeight: 2,
  bigrams: true,
  sublinearTf: true,
  tokenize: { splitIdentifiers: true, errorCodes: true, cjk: true },
};

/** A sparse vector: parallel arrays of term indices and values. */
export interface SparseVector {
  indices: number[];
  values: number[];
}

/** Bigrams join adjacent plain terms; error codes and whole identifiers stand alone. */
function addBigrams(terms: string[], counts: Map<string, number>, weight: number): void {
  for (let i = 1; i < terms.length; i++) {
    const pair = `${terms[i - 1]}_${terms[i]}`;
    counts.set(pair, (counts.get(pair) ?? 0) + weight);
  }
}

function addTerms(text: string, weight: number, options: FeatureOptions, counts: Map<string, number>): void {
  const terms = tokenize(text, options.tokenize);
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + weight);
  if (options.bigrams) addBigrams(terms, counts, weight);
}

/** Weighted term counts of an issue's title and body. A Map, so `constructor` is an ordinary term. */
export function termCounts(issue: IssueText, options: FeatureOptions): Map<string, number> {
  const counts = new Map<string, number>();
  addTerms(issue.title, options.titleWeight, options, counts);
  addTerms(issue.body, 1, options, counts);
  return counts;
}

/** Smoothed idf as in scikit-learn: terms seen in every document still weigh 1, never 0. */
export function smoothIdf(documentCount: number, documentFrequency: number): number {
  return Math.log((1 + documentCount) / (1 + documentFrequency)) + 1;
}

/** TF-IDF, L2-normalised so long and short issues score on the same scale. */
export function vectorize(
  counts: Map<string, number>,
  index: ReadonlyMap<string, number>,
  idf: ArrayLike<number>,
  sublinearTf: boolean,
): SparseVector {
  const entries: Array<[number, number]> = [];
  for (const [term, count] of counts) {
    const position = index.get(term);
    if (position === undefined || count <= 0) continue;
    const tf = sublinearTf ? 1 + Math.log(count) : count;
    entries.push([position, tf * idf[position]]);
  }
  entries.sort((a, b) => a[0] - b[0]);
  let norm = 0;
  for (const [, value] of entries) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  return { indices: entries.map(([position]) => position), values: entries.map(([, value]) => value / norm) };
}

/**
 * Vocabulary (sorted, for deterministic output) and idf from a set of documents. Terms rarer
 * than `minDf` are dropped unless listed in `keep` (the knowledge base's own words).
 */
export function buildVocabulary(
  documents: Array<Map<string, number>>,
  minDf: number,
  keep: ReadonlySet<string> = new Set(),
): { vocabulary: string[]; idf: number[] } {
  const documentFrequency = new Map<string, number>();
  for (const counts of documents) {
    for (const term of counts.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const vocabulary = [...documentFrequency.entries()]
    .filter(([term, df]) => df >= minDf || keep.has(term))
    .map(([term]) => term)
    .sort();
  const idf = vocabulary.map((term) => smoothIdf(documents.length, documentFrequency.get(term) ?? 0));
  return { vocabulary, idf };
}
