import { describe, expect, it } from 'vitest';
import { computeQuality, daysBetween, type QualityDecision } from '../../src/dashboard/quality.js';

/** Seven decisions over three days, figures worked out by hand below. */
const decisions: QualityDecision[] = [
  { topic: 'a', abstained: false, decidedAt: '2025-03-01T09:00:00Z', correctedTopic: undefined },
  { topic: 'a', abstained: false, decidedAt: '2025-03-01T17:30:00Z', correctedTopic: 'b' },
  { topic: 'a', abstained: false, decidedAt: '2025-03-02T08:00:00Z', correctedTopic: null },
  { topic: 'b', abstained: false, decidedAt: '2025-03-02T10:00:00Z', correctedTopic: undefined },
  { topic: null, abstained: true, decidedAt: '2025-03-02T23:59:59Z', correctedTopic: 'c' },
  { topic: null, abstained: true, decidedAt: '2025-03-03T00:00:00Z', correctedTopic: undefined },
  // Changed away and back again: the label stands, so it is not a correction.
  { topic: 'b', abstained: false, decidedAt: '2025-03-03T12:00:00Z', correctedTopic: 'b' },
];

describe('quality figures', () => {
  const report = computeQuality({ decisions, topics: ['a', 'b', 'c'], from: '2025-03-01', to: '2025-03-03' });

  it('counts abstentions and corrections', () => {
    expect(report.total).toBe(7);
    expect(report.abstained).toBe(2);
    expect(report.abstentionRate).toBeCloseTo(2 / 7, 12);
    expect(report.corrected).toBe(3);
    // 5 labelled, 2 of them corrected away.
    expect(report.overallPrecision).toBeCloseTo(3 / 5, 12);
  });

  it('measures each topic label by the corrections it received', () => {
    expect(report.perTopic).toEqual([
      { topic: 'a', labelled: 3, correctedAway: 2, precision: 1 / 3, missed: 0 },
      { topic: 'b', labelled: 2, correctedAway: 0, precision: 1, missed: 1 },
      { topic: 'c', labelled: 0, correctedAway: 0, precision: null, missed: 1 },
    ]);
  });

  it('crosses the bot label with the label after corrections', () => {
    expect(report.confusion.rows).toEqual(['a', 'b', 'c', 'abstained']);
    expect(report.confusion.columns).toEqual(['a', 'b', 'c', 'no topic']);
    expect(report.confusion.counts).toEqual([
      [1, 1, 0, 1],
      [0, 2, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 1, 1],
    ]);
  });

  it('buckets volume by UTC day and bot label', () => {
    expect(report.volume.days).toEqual(['2025-03-01', '2025-03-02', '2025-03-03']);
    expect(report.volume.series).toEqual([
      { topic: 'a', counts: [2, 1, 0] },
      { topic: 'b', counts: [0, 1, 1] },
      { topic: 'c', counts: [0, 0, 0] },
      { topic: 'abstained', counts: [0, 1, 1] },
    ]);
  });

  it('has no precision and a zero abstention rate with no decisions', () => {
    const empty = computeQuality({ decisions: [], topics: ['a'], from: '2025-03-01', to: '2025-03-01' });
    expect(empty).toMatchObject({ total: 0, abstentionRate: 0, overallPrecision: null });
    expect(empty.perTopic).toEqual([{ topic: 'a', labelled: 0, correctedAway: 0, precision: null, missed: 0 }]);
  });

  it('lists the days of a range across a month end', () => {
    expect(daysBetween('2025-02-27T15:00:00Z', '2025-03-02')).toEqual(['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
  });
});
