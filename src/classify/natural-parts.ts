import { createRequire } from 'node:module';

/**
 * The parts of `natural` the bot uses, imported by path: `require('natural')` loads every
 * module (0.6 s, 150 MB) and its storage back ends print dotenv lines to stdout, which would
 * corrupt pino's JSON log stream.
 */
const require = createRequire(import.meta.url);

export const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as { stem(word: string): string };
export const englishStopwords: readonly string[] = (require('natural/lib/natural/util/stopwords.js') as { words: string[] }).words;

/** natural's naive Bayes classifier (documents as token arrays), loaded only by the evaluation baselines. */
export interface NaturalBayesClassifier {
  addDocument(tokens: string[], label: string): void;
  train(): void;
  getClassifications(tokens: string[]): Array<{ label: string; value: number }>;
}

/** natural's TfIdf over token-array documents, loaded only by the evaluation baselines. */
export interface NaturalTfIdf {
  addDocument(tokens: string[], key?: string): void;
  tfidfs(tokens: string[]): number[];
}

export function naturalBayesClassifier(): NaturalBayesClassifier {
  const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier.js') as new () => NaturalBayesClassifier;
  return new BayesClassifier();
}

export function naturalTfIdf(): NaturalTfIdf {
  const TfIdf = require('natural/lib/natural/tfidf/tfidf.js') as new () => NaturalTfIdf;
  return new TfIdf();
}
