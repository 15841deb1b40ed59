import { softmax } from './calibrate.js';
import { termCounts, vectorize } from './features.js';
import type { Classification, IssueText, KnowledgeBase, Model, TermContribution } from './types.js';

/** Terms reported as the explanation of a decision. */
const explanationSize = 8;

/**
 * The term index of each model, built on first use. Keyed weakly by the model object so a
 * retrained model gets its own index and a dropped one is collected with it.
 */
const termIndexes = new WeakMap<Model, Map<string, number>>();

function termIndex(model: Model): Map<string, number> {
  let index = termIndexes.get(model);
  if (!index) {
    index = new Map(model.vocabulary.map((term, position) => [term, position]));
    termIndexes.set(model, index);
  }
  return index;
}

function explain(model: Model, indices: number[], values: number[], topic: number): TermContribution[] {
  const contributions: TermContribution[] = [];
  for (let i = 0; i < indices.length; i++) {
    const weight = values[i] * model.weights[indices[i]][topic];
    if (weight > 0) contributions.push({ term: model.vocabulary[indices[i]], weight });
  }
  return contributions
    .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1))
    .slice(0, explanationSize)
    .map(({ term, weight }) => ({ term, weight: Number(weight.toPrecision(4)) }));
}

/**
 * Scores an issue against every topic. Pure: the same model and text always give the same
 * answer. The bot abstains when the abstain topic wins, when the winner's calibrated confidence
 * is below that topic's threshold, or when the abstain topic's probability reaches the off-topic threshold.
 */
export function classify(modelOrKb: Model | KnowledgeBase, issue: IssueText): Classification {
  const model = 'model' in modelOrKb ? modelOrKb.model : modelOrKb;
  const counts = termCounts(issue, model.features);
  const vector = vectorize(counts, termIndex(model), model.idf, model.features.sublinearTf);
  const scores = model.bias.slice();
  for (let i = 0; i < vector.indices.length; i++) {
    const row = model.weights[vector.indices[i]];
    const value = vector.values[i];
    for (let k = 0; k < scores.length; k++) scores[k] += row[k] * value;
  }
  const probabilities = softmax(scores, model.temperature);
  const ranking = model.topics
    .map((topic, k) => ({ topic, score: probabilities[k], k }))
    .sort((a, b) => b.score - a.score || a.k - b.k);
  const best = ranking[0];
  const threshold = model.thresholds[best.k];
  const offTopic = probabilities[model.topics.indexOf(model.abstainTopic)];
  return {
    ranking: ranking.map(({ topic, score }) => ({ topic, score })),
    topic: best.topic,
    confidence: best.score,
    threshold,
    abstain: best.topic === model.abstainTopic || best.score < threshold || offTopic >= model.offTopicThreshold,
    terms: explain(model, vector.indices, vector.values, best.k),
    modelVersion: model.version,
  };
}
