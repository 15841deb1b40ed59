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

/** Predictions of a topic with fewer held-out cases than this borrow the pooled threshold. */
const minimumPredictionsPerTopic = 8;

/**
 * The lowest confidence at which the held-out predictions at or above it reach
 * `targetPrecision`; 1 (never label) when no cut-off does.
 */
export function precisionThreshold(predictions: HeldOutPrediction[], targetPrecision: number): number {
  const sorted = [...predictions].sort((a, b) => b.confidence - a.confidence);
  let correct = 0;
  let threshold = 1;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i].correct) correct++;
    const tied = i + 1 < sorted.length && sorted[i + 1].confidence === sorted[i].confidence;
    if (!tied && correct / (i + 1) >= targetPrecision) threshold = sorted[i].confidence;
  }
  return threshold;
}

/**
 * One threshold per topic, each chosen from that topic's own held-out precision so labelled
 * issues stay right at `targetPrecision`. Topics with too few held-out predictions to judge use
 * the threshold of all predictions pooled. The abstain topic is never labelled: threshold 1.
 */
export function topicThresholds(
  predictions: HeldOutPrediction[],
  topicCount: number,
  abstainIndex: number,
  targetPrecision: number,
): number[] {
  const labelled = predictions.filter((prediction) => prediction.topic !== abstainIndex);
  const pooled = precisionThreshold(labelled, targetPrecision);
  return Array.from({ length: topicCount }, (_, topic) => {
    if (topic === abstainIndex) return 1;
    const own = labelled.filter((prediction) => prediction.topic === topic);
    return own.length < minimumPredictionsPerTopic ? pooled : precisionThreshold(own, targetPrecision);
  });
}
