import { createHash } from 'node:crypto';
import { fitTemperature, softmax, type HeldOutScores } from './calibrate.js';
import { buildVocabulary, defaultFeatureOptions, termCounts, vectorize } from './features.js';
import { stratifiedFolds } from './folds.js';
import { fitLinear, type LearnerOptions, type LinearScorer, type TrainingVector } from './learners.js';
import { chooseOperatingPoint, type GatedPrediction } from './operating-point.js';
import type { Example, FeatureOptions, KnowledgeBaseDefinition, Model } from './types.js';

export interface TrainOptions extends LearnerOptions {
  features: FeatureOptions;
  /** Learn from topic descriptions, topic keywords and resource keywords as extra documents. */
  priors: boolean;
  /** How much one prior-knowledge document counts next to one real issue. */
  priorWeight: number;
  /** Corpus terms must appear in at least this many documents: rarer ones are noise (and could identify a text). */
  minDf: number;
  /** Folds of the held-out run that calibrates confidence and thresholds. */
  calibrationFolds: number;
  /** Precision the per-topic thresholds aim for on held-out predictions. */
  targetPrecision: number;
  /** Standard errors of doubt about a held-out precision before it counts as reaching the target (0: none). */
  precisionZ: number;
  /** One confidence threshold for every topic, or one per topic. */
  thresholdScope: 'per-topic' | 'pooled';
  /** How many held-out predictions of all topics a topic's own precision estimate is smoothed with. */
  thresholdSmoothing: number;
  /** Let an example with two gold topics count as a positive of both (one-vs-rest learners). */
  multiLabel: boolean;
  /** Also abstain when the abstain topic's probability passes a cut-off chosen jointly with the thresholds. */
  offTopicGate: boolean;
  /** How much a misclassified off-topic (abstain topic) document costs the learner next to any other. */
  abstainWeight: number;
}

export const defaultTrainOptions: TrainOptions = {
  learner: 'svm',
  C: 1,
  balanced: false,
  seed: 20240601,
  features: defaultFeatureOptions,
  priors: true,
  priorWeight: 1,
  minDf: 2,
  calibrationFolds: 10,
  targetPrecision: 0.95,
  precisionZ: 1.5,
  multiLabel: false,
  thresholdScope: 'pooled',
  thresholdSmoothing: 10,
  offTopicGate: false,
  abstainWeight: 1,
};

export type TrainingKnowledge = Pick<KnowledgeBaseDefinition, 'name' | 'topics' | 'resources' | 'abstainTopic'>;

interface PreparedDocument {
  counts: Map<string, number>;
  label: number;
  gold: number[];
  weight: number;
  /** Written by the knowledge base's authors, not taken from third-party questions. */
  prior: boolean;
}

/** Resources filed under more topics than this are general indexes and say little about any one topic. */
const maxTopicsOfPriorResource = 3;

function priorDocuments(kb: TrainingKnowledge, options: TrainOptions, topicIndex: Map<string, number>): PreparedDocument[] {
  if (!options.priors) return [];
  const documents: PreparedDocument[] = [];
  for (const topic of kb.topics) {
    const label = topicIndex.get(topic.slug) ?? -1;
    const counts = termCounts({ title: topic.keywords.join(' '), body: topic.description }, options.features);
    documents.push({ counts, label, gold: [label], weight: options.priorWeight, prior: true });
  }
  for (const resource of kb.resources) {
    if (resource.topics.length === 0 || resource.topics.length > maxTopicsOfPriorResource) continue;
    const label = topicIndex.get(resource.topics[0]);
    if (label === undefined) continue;
    const text = { title: `${resource.title} ${resource.keywords.join(' ')}`, body: resource.summary };
    documents.push({ counts: termCounts(text, options.features), label, gold: [label], weight: options.priorWeight, prior: true });
  }
  return documents;
}

function prepareExamples(examples: Example[], options: TrainOptions, topicIndex: Map<string, number>): PreparedDocument[] {
  return examples.map((example, position) => {
    const gold = example.topics.map((topic) => {
      const index = topicIndex.get(topic);
      if (index === undefined) {
        throw new Error(`example ${example.id ?? `#${position + 1}`} has topic "${topic}", which the knowledge base does not define`);
      }
      return index;
    });
    if (gold.length === 0) throw new Error(`example ${example.id ?? `#${position + 1}`} has no topics`);
    return { counts: termCounts(example, options.features), label: gold[0], gold, weight: 1, prior: false };
  });
}

/**
 * Vocabulary, idf and vectors of every document, built once per training run: the calibration
 * folds reuse them (idf uses no labels, so sharing it leaks nothing about held-out topics).
 */
interface FeatureSpace {
  vocabulary: string[];
  idf: number[];
  vectors: TrainingVector[];
}

function featureSpace(documents: PreparedDocument[], options: TrainOptions): FeatureSpace {
  const knowledgeBaseTerms = new Set(documents.filter((document) => document.prior).flatMap((document) => [...document.counts.keys()]));
  const { vocabulary, idf } = buildVocabulary(
    documents.map((document) => document.counts),
    options.minDf,
    knowledgeBaseTerms,
  );
  const index = new Map(vocabulary.map((term, position) => [term, position]));
  const vectors: TrainingVector[] = documents.map((document) => ({
    vector: vectorize(document.counts, index, idf, options.features.sublinearTf),
    label: document.label,
    topics: options.multiLabel ? document.gold : [document.label],
    weight: document.weight,
  }));
  return { vocabulary, idf, vectors };
}

function scoreVector(scorer: LinearScorer, { vector }: TrainingVector): number[] {
  return scorer.weights.map((weights, topic) => {
    let score = scorer.bias[topic];
    for (let i = 0; i < vector.indices.length; i++) score += weights[vector.indices[i]] * vector.values[i];
    return score;
  });
}

/**
 * Scores of every example from a model that never saw it. Examples are the first
 * `gold.length` vectors of the space; the prior documents after them stay in every training fold.
 */
function heldOutScores(space: FeatureSpace, gold: number[][], topicCount: number, options: TrainOptions): HeldOutScores[] {
  const folds = stratifiedFolds(
    gold.map((topics) => String(topics[0])),
    options.calibrationFolds,
    options.seed,
  );
  const priors = space.vectors.slice(gold.length);
  const out: HeldOutScores[] = [];
  for (let fold = 0; fold < options.calibrationFolds; fold++) {
    const training = space.vectors.slice(0, gold.length).filter((_, i) => folds[i] !== fold);
    const scorer = fitLinear([...training, ...priors], space.vocabulary.length, topicCount, options);
    gold.forEach((topics, i) => {
      if (folds[i] === fold) out[i] = { scores: scoreVector(scorer, space.vectors[i]), gold: topics };
    });
  }
  return out;
}

/** Rounds to 6 significant digits: a smaller file, and bytes that do not depend on float noise. */
function compact(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(6));
}

/**
 * Trains a model from labelled examples and the knowledge base's topics and resources.
 * Deterministic: the same examples, knowledge base and options give the same JSON, byte for byte.
 * Confidence is calibrated, and the thresholds are chosen, on held-out folds.
 */
export function trainModel(examples: Example[], kb: TrainingKnowledge, overrides: Partial<TrainOptions> = {}): Model {
  const options: TrainOptions = { ...defaultTrainOptions, ...overrides };
  const topics = kb.topics.map((topic) => topic.slug);
  const topicIndex = new Map(topics.map((slug, index) => [slug, index]));
  const abstainIndex = topicIndex.get(kb.abstainTopic);
  if (abstainIndex === undefined) throw new Error(`abstain topic "${kb.abstainTopic}" is not among the topics`);
  const prepared = prepareExamples(examples, options, topicIndex);
  const priors = priorDocuments(kb, options, topicIndex);
  if (prepared.length + priors.length === 0) throw new Error('nothing to train on: no examples and no prior knowledge');

  const documents = [...prepared, ...priors].map((document) =>
    document.label === abstainIndex ? { ...document, weight: document.weight * options.abstainWeight } : document,
  );
  const space = featureSpace(documents, options);
  const scorer = fitLinear(space.vectors, space.vocabulary.length, topics.length, options);
  const gold = prepared.map((example) => example.gold);
  const heldOut = prepared.length >= options.calibrationFolds * 2 ? heldOutScores(space, gold, topics.length, options) : [];
  const temperature = fitTemperature(heldOut);
  const predictions: GatedPrediction[] = heldOut.map((item) => {
    const probabilities = softmax(item.scores, temperature);
    const topic = probabilities.indexOf(Math.max(...probabilities));
    return { topic, confidence: probabilities[topic], correct: item.gold.includes(topic), offTopic: probabilities[abstainIndex] };
  });
  const operatingPoint = chooseOperatingPoint(predictions, {
    topicCount: topics.length,
    abstainIndex,
    targetPrecision: options.targetPrecision,
    z: options.precisionZ,
    scope: options.thresholdScope,
    pooledStrength: options.thresholdSmoothing,
    offTopicGate: options.offTopicGate,
  });

  const withoutVersion: Omit<Model, 'version'> = {
    format: 1,
    learner: options.learner,
    topics,
    abstainTopic: kb.abstainTopic,
    features: options.features,
    vocabulary: space.vocabulary,
    idf: space.idf.map(compact),
    weights: space.vocabulary.map((_, term) => scorer.weights.map((weights) => compact(weights[term]))),
    bias: scorer.bias.map(compact),
    temperature: compact(temperature),
    thresholds: operatingPoint.thresholds.map(compact),
    offTopicThreshold: compact(operatingPoint.offTopicThreshold),
    training: { examples: prepared.length, priorDocuments: priors.length, targetPrecision: options.targetPrecision },
  };
  const hash = createHash('sha256').update(JSON.stringify(withoutVersion)).digest('hex').slice(0, 12);
  const { format, ...rest } = withoutVersion;
  return { format, version: `${kb.name}-${hash}`, ...rest };
}
