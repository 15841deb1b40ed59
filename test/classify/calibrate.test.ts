import { describe, expect, it } from 'vitest';
import { fitTemperature, precisionThreshold, softmax, topicThresholds } from '../../src/classify/calibrate.js';

describe('softmax', () => {
  it('sums to one and sharpens as the temperature falls', () => {
    const warm = softmax([1, 0], 1);
    const cold = softmax([1, 0], 0.1);
    expect(warm[0] + warm[1]).toBeCloseTo(1);
    expect(cold[0]).toBeGreaterThan(warm[0]);
  });
});

describe('fitTemperature', () => {
  it('is cold when the top score is always right and warm when it is right half the time', () => {
    const alwaysRight = Array.from({ length: 10 }, () => ({ scores: [1, 0], gold: [0] }));
    const coinFlip = Array.from({ length: 10 }, (_, i) => ({ scores: [1, 0], gold: [i % 2] }));
    expect(fitTemperature(alwaysRight)).toBeLessThan(0.1);
    expect(fitTemperature(coinFlip)).toBeGreaterThan(10);
  });
});

describe('precisionThreshold', () => {
  it('is the lowest confidence whose predictions at or above it reach the target', () => {
    const predictions = [0.99, 0.95, 0.9, 0.8, 0.7, 0.6].map((confidence, i) => ({ topic: 0, confidence, correct: i !== 4 && i !== 5 }));
    expect(precisionThreshold(predictions, 0.95)).toBe(0.8);
    expect(precisionThreshold(predictions, 0.6)).toBe(0.6);
  });

  it('is 1, never label, when even the most confident prediction is wrong', () => {
    expect(precisionThreshold([{ topic: 0, confidence: 0.9, correct: false }], 0.95)).toBe(1);
  });
});

describe('topicThresholds', () => {
  const topicZero = Array.from({ length: 10 }, (_, i) => ({ topic: 0, confidence: 1 - i * 0.05, correct: i < 8 }));

  it('gives each topic its own threshold from its held-out precision and never labels the abstain topic', () => {
    const thin = [{ topic: 1, confidence: 0.5, correct: true }];
    const thresholds = topicThresholds([...topicZero, ...thin], 3, 2, 0.95, 0);
    expect(thresholds[0]).toBeCloseTo(0.65);
    expect(thresholds[1]).toBe(0.5);
    expect(thresholds[2]).toBe(1);
  });

  it('smooths a thin topic toward the precision of all topics at the same confidence', () => {
    const thin = [{ topic: 1, confidence: 0.5, correct: true }];
    const thresholds = topicThresholds([...topicZero, ...thin], 3, 2, 0.95, 10);
    // Alone, one right prediction at 0.5 looks perfect; all topics at 0.5 are only 9 in 11 right.
    expect(thresholds[1]).toBe(1);
    expect(thresholds[0]).toBeCloseTo(0.65);
  });
});
