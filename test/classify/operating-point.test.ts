import { describe, expect, it } from 'vitest';
import { chooseOperatingPoint, selectiveCounts, type GatedPrediction } from '../../src/classify/operating-point.js';

const abstainIndex = 2;
const options = { topicCount: 3, abstainIndex, targetPrecision: 0.95, z: 0, scope: 'pooled' as const, pooledStrength: 0 };

/** Ten confident right predictions, and two confident wrong ones that the abstain topic also scored high. */
const predictions: GatedPrediction[] = [
  ...Array.from({ length: 10 }, (_, i) => ({ topic: i % 2, confidence: 0.9 - i * 0.02, correct: true, offTopic: 0.01 })),
  { topic: 0, confidence: 0.95, correct: false, offTopic: 0.3 },
  { topic: 1, confidence: 0.93, correct: false, offTopic: 0.25 },
  { topic: abstainIndex, confidence: 0.8, correct: true, offTopic: 0.8 },
];

describe('chooseOperatingPoint', () => {
  it('without the gate, never abstains on the abstain topic probability alone', () => {
    const point = chooseOperatingPoint(predictions, { ...options, offTopicGate: false });
    expect(point.offTopicThreshold).toBe(1);
    // The two wrong predictions are the most confident, so only a high threshold or none keeps precision.
    expect(selectiveCounts(point, predictions, abstainIndex)).toEqual({ labelled: 0, right: 0 });
  });

  it('with the gate, cuts the issues the abstain topic claims and labels the rest', () => {
    const point = chooseOperatingPoint(predictions, { ...options, offTopicGate: true });
    expect(point.offTopicThreshold).toBeGreaterThan(0.01);
    expect(point.offTopicThreshold).toBeLessThanOrEqual(0.25);
    expect(selectiveCounts(point, predictions, abstainIndex)).toEqual({ labelled: 10, right: 10 });
    expect(point.thresholds[abstainIndex]).toBe(1);
  });

  it('keeps the ungated point when no cut-off reaches the target', () => {
    const hopeless = predictions.map((prediction) => ({ ...prediction, correct: false }));
    expect(chooseOperatingPoint(hopeless, { ...options, offTopicGate: true }).offTopicThreshold).toBe(1);
  });
});
