import type { SparseVector } from './features.js';
import { seededRandom, shuffleInPlace } from './random.js';
import type { Learner } from './types.js';

/** A labelled training vector; `weight` lets prior-knowledge documents count less than real issues. */
export interface TrainingVector {
  vector: SparseVector;
  label: number;
  /** Every topic the item is about, primary first; the SVM treats each as a positive. */
  topics: number[];
  weight: number;
}

/** Per-topic linear scorers: score[k] = weights[k] · x + bias[k]. */
export interface LinearScorer {
  weights: Float64Array[];
  bias: number[];
}

export interface LearnerOptions {
  learner: Learner;
  /** Inverse regularisation strength of the SVM and logistic learners. */
  C: number;
  /** Weight classes inversely to their frequency, so thin topics are not drowned out. */
  balanced: boolean;
  seed: number;
}

export function fitLinear(data: TrainingVector[], dimensions: number, topicCount: number, options: LearnerOptions): LinearScorer {
  const classWeights = balancedClassWeights(data, topicCount, options.balanced);
  switch (options.learner) {
    case 'centroid':
      return fitCentroids(data, dimensions, topicCount);
    case 'svm':
      return fitSvm(data, dimensions, topicCount, classWeights, options);
    case 'logistic':
      return fitLogistic(data, dimensions, topicCount, classWeights, options);
  }
}

function balancedClassWeights(data: TrainingVector[], topicCount: number, balanced: boolean): number[] {
  if (!balanced) return new Array<number>(topicCount).fill(1);
  const totals = new Array<number>(topicCount).fill(0);
  for (const item of data) totals[item.label] += item.weight;
  const sum = totals.reduce((a, b) => a + b, 0);
  const present = totals.filter((total) => total > 0).length;
  return totals.map((total) => (total > 0 ? sum / (present * total) : 1));
}

function dot(weights: Float64Array, vector: SparseVector): number {
  let sum = 0;
  for (let i = 0; i < vector.indices.length; i++) sum += weights[vector.indices[i]] * vector.values[i];
  return sum;
}

/** Rocchio: each topic is the normalised mean of its vectors; the score is a cosine. */
function fitCentroids(data: TrainingVector[], dimensions: number, topicCount: number): LinearScorer {
  const weights = Array.from({ length: topicCount }, () => new Float64Array(dimensions));
  for (const { vector, label, weight } of data) {
    for (let i = 0; i < vector.indices.length; i++) weights[label][vector.indices[i]] += weight * vector.values[i];
  }
  for (const centroid of weights) {
    const norm = Math.sqrt(centroid.reduce((sum, value) => sum + value * value, 0)) || 1;
    for (let j = 0; j < dimensions; j++) centroid[j] /= norm;
  }
  return { weights, bias: new Array<number>(topicCount).fill(0) };
}

/** Stop when the projected gradient spread is this small; finer changes no prediction measurably. */
const svmTolerance = 1e-2;

/**
 * One-vs-rest linear SVM with squared hinge loss, solved in the dual by coordinate descent
 * (the method of LIBLINEAR, which scikit-learn's LinearSVC wraps). The bias is an extra
 * constant feature, regularised like the rest, as LIBLINEAR does.
 */
function fitSvm(data: TrainingVector[], dimensions: number, topicCount: number, classWeights: number[], options: LearnerOptions): LinearScorer {
  const weights: Float64Array[] = [];
  const bias: number[] = [];
  const squaredNorms = data.map(({ vector }) => vector.values.reduce((sum, value) => sum + value * value, 0) + 1);
  for (let topic = 0; topic < topicCount; topic++) {
    const random = seededRandom(options.seed + topic);
    const w = new Float64Array(dimensions);
    let b = 0;
    const alpha = new Float64Array(data.length);
    const y = data.map((item) => (item.topics.includes(topic) ? 1 : -1));
    const diagonal = data.map((item) => 1 / (2 * options.C * item.weight * classWeights[item.label]));
    const order = data.map((_, i) => i);
    for (let epoch = 0; epoch < 1000; epoch++) {
      let maxGradient = -Infinity;
      let minGradient = Infinity;
      for (const i of shuffleInPlace(order, random)) {
        const item = data[i];
        const gradient = y[i] * (dot(w, item.vector) + b) - 1 + diagonal[i] * alpha[i];
        const projected = alpha[i] === 0 ? Math.min(gradient, 0) : gradient;
        maxGradient = Math.max(maxGradient, projected);
        minGradient = Math.min(minGradient, projected);
        if (Math.abs(projected) < 1e-12) continue;
        const previous = alpha[i];
        alpha[i] = Math.max(previous - gradient / (squaredNorms[i] + diagonal[i]), 0);
        const step = (alpha[i] - previous) * y[i];
        for (let k = 0; k < item.vector.indices.length; k++) w[item.vector.indices[k]] += step * item.vector.values[k];
        b += step;
      }
      if (maxGradient - minGradient < svmTolerance) break;
    }
    weights.push(w);
    bias.push(b);
  }
  return { weights, bias };
}

/** Multinomial logistic regression with L2 penalty, by full-batch gradient descent. */
function fitLogistic(data: TrainingVector[], dimensions: number, topicCount: number, classWeights: number[], options: LearnerOptions): LinearScorer {
  const weights = Array.from({ length: topicCount }, () => new Float64Array(dimensions));
  const bias = new Array<number>(topicCount).fill(0);
  const totalWeight = data.reduce((sum, item) => sum + item.weight * classWeights[item.label], 0);
  const penalty = 1 / (options.C * totalWeight);
  const learningRate = 2;
  const gradients = Array.from({ length: topicCount }, () => new Float64Array(dimensions));
  const scores = new Float64Array(topicCount);
  for (let iteration = 0; iteration < 300; iteration++) {
    for (const gradient of gradients) gradient.fill(0);
    const biasGradient = new Array<number>(topicCount).fill(0);
    for (const item of data) {
      let max = -Infinity;
      for (let k = 0; k < topicCount; k++) {
        scores[k] = dot(weights[k], item.vector) + bias[k];
        max = Math.max(max, scores[k]);
      }
      let sum = 0;
      for (let k = 0; k < topicCount; k++) sum += (scores[k] = Math.exp(scores[k] - max));
      const itemWeight = (item.weight * classWeights[item.label]) / totalWeight;
      for (let k = 0; k < topicCount; k++) {
        const error = (scores[k] / sum - (k === item.label ? 1 : 0)) * itemWeight;
        if (error === 0) continue;
        biasGradient[k] += error;
        const gradient = gradients[k];
        for (let i = 0; i < item.vector.indices.length; i++) gradient[item.vector.indices[i]] += error * item.vector.values[i];
      }
    }
    for (let k = 0; k < topicCount; k++) {
      const w = weights[k];
      const gradient = gradients[k];
      for (let j = 0; j < dimensions; j++) w[j] -= learningRate * (gradient[j] + penalty * w[j]);
      bias[k] -= learningRate * biasGradient[k];
    }
  }
  return { weights, bias };
}
