import { describe, expect, it } from 'vitest';
import { evaluatePredictions, riskCoverage } from '../../src/classify/evaluate.js';
import { stratifiedFolds } from '../../src/classify/folds.js';

const topics = ['a', 'b', 'other'];

describe('evaluatePredictions', () => {
  const report = evaluatePredictions(
    [
      { gold: ['a'], ranking: ['a', 'b', 'other'], abstain: false },
      { gold: ['b', 'a'], ranking: ['a', 'b', 'other'], abstain: false },
      { gold: ['b'], ranking: ['a', 'b', 'other'], abstain: true },
      { gold: ['other'], ranking: ['other', 'a', 'b'], abstain: true },
      { gold: ['other'], ranking: ['b', 'other', 'a'], abstain: false },
    ],
    topics,
    'other',
  );

  it('counts a prediction right when it is among the gold topics, and a gold abstain topic right when abstaining', () => {
    expect(report.accuracy).toBeCloseTo(3 / 5);
    expect(report.top3).toBe(1);
    expect(report.abstentionRate).toBeCloseTo(2 / 5);
    expect(report.selectiveAccuracy).toBeCloseTo(2 / 3);
  });

  it('resolves multi-topic gold to the predicted topic for per-topic figures', () => {
    expect(report.perTopic.a).toEqual({ precision: 2 / 3, recall: 1, f1: 0.8, support: 2 });
    expect(report.perTopic.b.support).toBe(1);
    expect(report.confusion.other).toEqual({ a: 0, b: 1, other: 1 });
    expect(report.macroF1).toBeCloseTo((0.8 + 0 + 2 / 3) / 3);
  });
});

describe('stratifiedFolds', () => {
  it('spreads every stratum evenly and is the same on every run', () => {
    const strata = [...Array(10).fill('x'), ...Array(5).fill('y')];
    const folds = stratifiedFolds(strata, 5, 7);
    expect(stratifiedFolds(strata, 5, 7)).toEqual(folds);
    for (let fold = 0; fold < 5; fold++) {
      expect(folds.filter((f, i) => f === fold && strata[i] === 'x')).toHaveLength(2);
      expect(folds.filter((f, i) => f === fold && strata[i] === 'y')).toHaveLength(1);
    }
  });
});

describe('riskCoverage', () => {
  const predictions = [
    { gold: ['a'], ranking: ['a', 'b', 'other'], abstain: false, confidence: 0.9 },
    { gold: ['b'], ranking: ['a', 'b', 'other'], abstain: false, confidence: 0.8 },
    { gold: ['b', 'a'], ranking: ['a', 'b', 'other'], abstain: true, confidence: 0.7 },
    { gold: ['other'], ranking: ['other', 'a', 'b'], abstain: true, confidence: 0.95 },
  ];

  it('labels the most confident predictions first and never the abstain topic', () => {
    expect(riskCoverage(predictions, 'other', [0.25, 0.5, 0.75])).toEqual([
      { abstention: 0.25, selectiveAccuracy: 2 / 3, labelled: 3 },
      { abstention: 0.5, selectiveAccuracy: 0.5, labelled: 2 },
      { abstention: 0.75, selectiveAccuracy: 1, labelled: 1 },
    ]);
  });

  it('cannot label more than the predictions that name a topic', () => {
    expect(riskCoverage(predictions, 'other', [0])[0]).toEqual({ abstention: 0.25, selectiveAccuracy: 2 / 3, labelled: 3 });
  });
});
