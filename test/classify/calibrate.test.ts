import { describe, expect, it } from 'vitest';
import { fitTemperature, precisionThreshold, softmax, topicThresholds, wilsonLowerBound } from '../../src/classify/calibrate.js';

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
    expect(precisionThreshold(predictions, { targetPrecision: 0.95, z: 0 })).toBe(0.8);
    expect(precisionThreshold(predictions, { targetPrecision: 0.6, z: 0 })).toBe(0.6);
  });

  it('is 1, never label, when even the most confident prediction is wrong', () => {
    expect(precisionThreshold([{ topic: 0, confidence: 0.9, correct: false }], { targetPrecision: 0.95, z: 0 })).toBe(1);
  });

  it('asks for more right predictions before trusting a precision when z is above 0', () => {
    // 20 right, one wrong, then 179 right: 20 of 20 looks perfect but is too few to be sure of 95%; 199 of 200 is not.
    const predictions = Array.from({ length: 200 }, (_, i) => ({ topic: 0, confidence: 1 - i / 250, correct: i !== 20 }));
    const firstTwenty = predictions.slice(0, 20);
    expect(precisionThreshold(firstTwenty, { targetPrecision: 0.95, z: 0 })).toBeCloseTo(0.924);
    expect(precisionThreshold(firstTwenty, { targetPrecision: 0.95, z: 1.5 })).toBe(1);
    expect(precisionThreshold(predictions, { targetPrecision: 0.95, z: 1.5 })).toBeCloseTo(0.204);
  });
});

describe('wilsonLowerBound', () => {
  it('is the plain proportion at z = 0 and falls further below it the fewer the cases', () => {
    expect(wilsonLowerBound(19, 20, 0)).toBe(0.95);
    expect(wilsonLowerBound(19, 20, 1.5)).toBeLessThan(wilsonLowerBound(190, 200, 1.5));
    expect(wilsonLowerBound(190, 200, 1.5)).toBeLessThan(0.95);
    expect(wilsonLowerBound(20, 20, 1.5)).toBeGreaterThan(0.8);
    expect(wilsonLowerBound(0, 0, 1.5)).toBe(0);
  });
});

describe('topicThresholds', () => {
  const base = { topicCount: 3, abstainIndex: 2, targetPrecision: 0.95, z: 0 };
  const topicZero = Array.from({ length: 10 }, (_, i) => ({ topic: 0, confidence: 1 - i * 0.05, correct: i < 8 }));

  it('gives each topic its own threshold from its held-out precision and never labels the abstain topic', () => {
    const thin = [{ topic: 1, confidence: 0.5, correct: true }];
    const thresholds = topicThresholds([...topicZero, ...thin], { ...base, scope: 'per-topic', pooledStrength: 0 });
    expect(thresholds[0]).toBeCloseTo(0.65);
    expect(thresholds[1]).toBe(0.5);
    expect(thresholds[2]).toBe(1);
  });

  it('smooths a thin topic toward the precision of all topics at the same confidence', () => {
    const thin = [{ topic: 1, confidence: 0.5, correct: true }];
    const thresholds = topicThresholds([...topicZero, ...thin], { ...base, scope: 'per-topic', pooledStrength: 10 });
    // Alone, one right prediction at 0.5 looks perfect; all topics at 0.5 are only 9 in 11 right.
    expect(thresholds[1]).toBe(1);
    expect(thresholds[0]).toBeCloseTo(0.65);
  });

  it('gives every labelled topic the same threshold when pooled', () => {
    const thin = [{ topic: 1, confidence: 0.5, correct: true }];
    const thresholds = topicThresholds([...topicZero, ...thin], { ...base, scope: 'pooled', pooledStrength: 0 });
    expect(thresholds[0]).toBeCloseTo(0.65);
    expect(thresholds[1]).toBeCloseTo(0.65);
    expect(thresholds[2]).toBe(1);
  });
});
