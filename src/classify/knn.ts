import type { ClassifierFactory } from './cross-validate.js';
import { buildVocabulary, defaultFeatureOptions, termCounts, vectorize, type SparseVector } from './features.js';

function cosine(a: SparseVector, b: SparseVector): number {
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < a.indices.length && j < b.indices.length) {
    if (a.indices[i] === b.indices[j]) sum += a.values[i++] * b.values[j++];
    else if (a.indices[i] < b.indices[j]) i++;
    else j++;
  }
  return sum;
}

/**
 * k-nearest neighbours on the shipped TF-IDF features, for comparison in `eval --compare` only:
 * it has to keep every training issue's vector, which a committed model must not.
 * Topics rank by the summed similarity of their neighbours; it abstains only on the abstain topic.
 */
export function nearestNeighbours(topics: string[], abstainTopic: string, k = 10): ClassifierFactory {
  return (training) => {
    const options = defaultFeatureOptions;
    const counts = training.map((example) => termCounts(example, options));
    const { vocabulary, idf } = buildVocabulary(counts, 2);
    const index = new Map(vocabulary.map((term, position) => [term, position]));
    const vectors = counts.map((termCounts) => vectorize(termCounts, index, idf, options.sublinearTf));
    return (issue) => {
      const vector = vectorize(termCounts(issue, options), index, idf, options.sublinearTf);
      const neighbours = vectors
        .map((other, i) => ({ similarity: cosine(vector, other), topic: training[i].topics[0] }))
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, k);
      const votes = new Map<string, number>();
      for (const { similarity, topic } of neighbours) votes.set(topic, (votes.get(topic) ?? 0) + similarity);
      const ranking = [...topics].sort((a, b) => (votes.get(b) ?? 0) - (votes.get(a) ?? 0) || topics.indexOf(a) - topics.indexOf(b));
      return { ranking, abstain: ranking[0] === abstainTopic };
    };
  };
}
