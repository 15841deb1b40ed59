/** Softmax of scores divided by a temperature: turns raw linear scores into probabilities. */
export function softmax(scores: ArrayLike<number>, temperature: number): number[] {
  let max = -Infinity;
  for (let k = 0; k < scores.length; k++) max = Math.max(max, scores[k]);
  const exps = Array.from(scores, (score) => Math.exp((score - max) / temperature));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / sum);
}

/** A held-out (out-of-fold) score vector with the indices of the item's gold topics. */
export interface HeldOutScores {
  scores: number[];
  gold: number[];
}

function negativeLogLikelihood(items: HeldOutScores[], temperature: number): number {
  let total = 0;
  for (const item of items) {
    const probabilities = softmax(item.scores, temperature);
    const goldMass = item.gold.reduce((sum, k) => sum + probabilities[k], 0);
    total -= Math.log(Math.max(goldMass, 1e-12));
  }
  return total;
}

/**
 * The temperature that makes held-out probabilities honest (minimum negative log-likelihood
 * of the gold topics), found by golden-section search over log(temperature).
 */
export function fitTemperature(items: HeldOutScores[]): number {
  if (items.length === 0) return 1;
  let low = Math.log(1e-3);
  let high = Math.log(1e2);
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let step = 0; step < 80; step++) {
    const a = high - ratio * (high - low);
    const b = low + ratio * (high - low);
    if (negativeLogLikelihood(items, Math.exp(a)) < negativeLogLikelihood(items, Math.exp(b))) high = b;
    else low = a;
  }
  return Math.exp((low + high) / 2);
}

/** A held-out prediction: its topic index, its calibrated confidence, and whether it was right. */
export interface HeldOutPrediction {
  topic: number;
  confidence: number;
  correct: boolean;
}

/** Precision of the predictions at or above `threshold`, or 1 when there are none. */
function precisionAbove(sorted: HeldOutPrediction[], threshold: number): { correct: number; count: number } {
  let correct = 0;
  let count = 0;
  for (const prediction of sorted) {
    if (prediction.confidence < threshold) break;
    count++;
    if (prediction.correct) correct++;
  }
  return { correct, count };
}

/**
 * Lower end of the Wilson score interval of a proportion `right / count`: a precision measured on
 * few predictions is taken as lower than it looks, by `z` standard errors (0: the plain proportion).
 */
export function wilsonLowerBound(right: number, count: number, z: number): number {
  if (count === 0) return 0;
  const proportion = right / count;
  if (z === 0) return proportion;
  const z2 = z * z;
  const spread = z * Math.sqrt((proportion * (1 - proportion)) / count + z2 / (4 * count * count));
  return (proportion + z2 / (2 * count) - spread) / (1 + z2 / count);
}

/** How a threshold is held to a precision: the target, and how much doubt a small sample earns. */
export interface PrecisionRule {
  targetPrecision: number;
  /** Standard errors of the Wilson interval taken off the measured precision before comparing it with the target. */
  z: number;
}

/**
 * The lowest confidence at which the held-out predictions at or above it reach the rule's
 * precision; 1 (never label) when no cut-off does. With `pooled` given, the precision is smoothed
 * toward the pooled predictions' precision at the same cut-off, worth `pooledStrength` predictions.
 */
export function precisionThreshold(
  predictions: HeldOutPrediction[],
  rule: PrecisionRule,
  pooled: HeldOutPrediction[] = [],
  pooledStrength = 0,
): number {
  const sorted = [...predictions].sort((a, b) => b.confidence - a.confidence);
  const pooledSorted = [...pooled].sort((a, b) => b.confidence - a.confidence);
  let correct = 0;
  let threshold = 1;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i].correct) correct++;
    const tied = i + 1 < sorted.length && sorted[i + 1].confidence === sorted[i].confidence;
    if (tied) continue;
    const prior = precisionAbove(pooledSorted, sorted[i].confidence);
    const strength = prior.count === 0 ? 0 : pooledStrength;
    const pooledPrecision = prior.count === 0 ? 0 : prior.correct / prior.count;
    const precision = wilsonLowerBound(correct + strength * pooledPrecision, i + 1 + strength, rule.z);
    if (precision >= rule.targetPrecision) threshold = sorted[i].confidence;
  }
  return threshold;
}

export interface ThresholdOptions extends PrecisionRule {
  topicCount: number;
  abstainIndex: number;
  /** `pooled`: one threshold from all topics' predictions; `per-topic`: each topic's own, smoothed toward the pool. */
  scope: 'per-topic' | 'pooled';
  /** How many pooled predictions a topic's own precision estimate is worth. */
  pooledStrength: number;
}

/**
 * One threshold per topic, each chosen from that topic's own held-out precision (smoothed toward
 * all topics' precision, so thin topics are not judged on a handful of cases) or, with scope
 * `pooled`, one for all topics, so labelled issues stay right at the target precision. The
 * abstain topic is never labelled: threshold 1.
 */
export function topicThresholds(predictions: HeldOutPrediction[], options: ThresholdOptions): number[] {
  const { topicCount, abstainIndex, pooledStrength } = options;
  const labelled = predictions.filter((prediction) => prediction.topic !== abstainIndex);
  const pooledThreshold = options.scope === 'pooled' ? precisionThreshold(labelled, options) : null;
  return Array.from({ length: topicCount }, (_, topic) => {
    if (topic === abstainIndex) return 1;
    if (pooledThreshold !== null) return pooledThreshold;
    const own = labelled.filter((prediction) => prediction.topic === topic);
    return own.length === 0 ? precisionThreshold(labelled, options) : precisionThreshold(own, options, labelled, pooledStrength);
  });
}
