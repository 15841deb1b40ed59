import { topicThresholds, wilsonLowerBound, type HeldOutPrediction, type ThresholdOptions } from './calibrate.js';

/** A held-out prediction with the probability the model gave the abstain (off-topic) topic. */
export interface GatedPrediction extends HeldOutPrediction {
  offTopic: number;
}

/**
 * When the bot labels: the top topic is not the abstain topic, its confidence reaches the topic's
 * threshold, and the abstain topic's probability stays below `offTopicThreshold`.
 */
export interface OperatingPoint {
  thresholds: number[];
  offTopicThreshold: number;
}

export interface OperatingPointOptions extends ThresholdOptions {
  /** Also search for a cut-off on the abstain topic's probability. */
  offTopicGate: boolean;
}

export function labels(point: OperatingPoint, prediction: GatedPrediction, abstainIndex: number): boolean {
  return (
    prediction.topic !== abstainIndex &&
    prediction.confidence >= point.thresholds[prediction.topic] &&
    prediction.offTopic < point.offTopicThreshold
  );
}

/** How many held-out predictions a point labels, and how many of those are right. */
export function selectiveCounts(point: OperatingPoint, predictions: GatedPrediction[], abstainIndex: number): { labelled: number; right: number } {
  let labelled = 0;
  let right = 0;
  for (const prediction of predictions) {
    if (!labels(point, prediction, abstainIndex)) continue;
    labelled++;
    if (prediction.correct) right++;
  }
  return { labelled, right };
}

/**
 * Chooses the thresholds on held-out predictions of the training data. Without the gate these are
 * the per-topic precision thresholds. With it, every cut-off on the abstain topic's probability is
 * tried, the per-topic thresholds are refitted on the predictions it lets through (off-topic issues
 * that slip into a topic no longer drag that topic's threshold up), and the pair that labels the
 * most issues while their selective accuracy stays at the target (by the same rule) wins.
 */
export function chooseOperatingPoint(predictions: GatedPrediction[], options: OperatingPointOptions): OperatingPoint {
  const { abstainIndex, targetPrecision, z } = options;
  const fit = (offTopicThreshold: number): OperatingPoint => {
    const admitted = predictions.filter((prediction) => prediction.offTopic < offTopicThreshold);
    return { thresholds: topicThresholds(admitted, options), offTopicThreshold };
  };
  const ungated = fit(Infinity);
  const plain: OperatingPoint = { thresholds: ungated.thresholds, offTopicThreshold: 1 };
  if (!options.offTopicGate) return plain;

  const cutOffs = [...new Set(predictions.filter((prediction) => prediction.topic !== abstainIndex).map((prediction) => prediction.offTopic))].sort(
    (a, b) => b - a,
  );
  const meetsTarget = ({ labelled, right }: { labelled: number; right: number }) => wilsonLowerBound(right, labelled, z) >= targetPrecision;
  const plainCounts = selectiveCounts(plain, predictions, abstainIndex);
  let best = meetsTarget(plainCounts) ? { point: plain, labelled: plainCounts.labelled } : null;
  for (const cutOff of cutOffs) {
    const point = fit(cutOff);
    const counts = selectiveCounts(point, predictions, abstainIndex);
    if (meetsTarget(counts) && (best === null || counts.labelled > best.labelled)) best = { point, labelled: counts.labelled };
  }
  return best?.point ?? plain;
}
