import { describe, expect, it } from 'vitest';
import type { CorrectionRecord, StoredIssue } from '../../src/store/types.js';
import { shouldPromote, storedFigures, type ModelFigures } from '../../src/training/promotion.js';
import { correctedExamples, finalCorrections, mergeTrainingSet } from '../../src/training/training-set.js';

function correction(id: number, issueNumber: number, toTopic: string | null, createdAt: string): CorrectionRecord {
  return { id, repo: 'acme/app', issueNumber, decisionId: id, fromTopic: 'http', toTopic, actor: 'maintainer', source: 'github', createdAt };
}

function issue(number: number, title: string): StoredIssue {
  return { repo: 'acme/app', number, title, body: `Body of ${title}`, state: 'open', answered: false, isPrivate: false, url: `https://github.com/acme/app/issues/${number}`, updatedAt: '2025-03-01T00:00:00Z' };
}

describe('training set from corrections', () => {
  const issues = new Map([
    ['acme/app#1', issue(1, 'Tunnel drops on sleep')],
    ['acme/app#2', issue(2, 'Listener refuses TCP')],
    ['acme/app#3', issue(3, 'Something about Bluetooth')],
  ]);

  it('keeps the latest correction of each issue', () => {
    const latest = finalCorrections([
      correction(2, 1, 'sockets', '2025-03-02T00:00:00Z'),
      correction(1, 1, 'legacy', '2025-03-01T00:00:00Z'),
      correction(3, 2, 'sockets', '2025-03-01T00:00:00Z'),
    ]);
    expect([...latest.entries()].map(([key, value]) => [key, value.toTopic])).toEqual([
      ['acme/app#1', 'sockets'],
      ['acme/app#2', 'sockets'],
    ]);
  });

  it('turns corrected issues into examples, skipping removals, unknown topics and issues without text', () => {
    const examples = correctedExamples(
      [
        correction(1, 1, 'vpn', '2025-03-01T00:00:00Z'),
        correction(2, 2, null, '2025-03-01T00:00:00Z'),
        correction(3, 3, 'retired-topic', '2025-03-01T00:00:00Z'),
        correction(4, 9, 'vpn', '2025-03-01T00:00:00Z'),
      ],
      issues,
      ['http', 'sockets', 'vpn', 'other'],
    );
    expect(examples).toEqual([{ id: 'acme/app#1', title: 'Tunnel drops on sleep', body: 'Body of Tunnel drops on sleep', topics: ['vpn'] }]);
  });

  it("lets the maintainer's label win over the corpus label of the same question", () => {
    const corpus = [
      { id: 'c1', title: 'Tunnel drops on sleep!', body: 'corpus text', topics: ['sockets'] },
      { id: 'c2', title: 'Cookies missing', body: 'corpus text', topics: ['http'] },
    ];
    const merged = mergeTrainingSet(corpus, [{ id: 'acme/app#1', title: 'tunnel  drops on SLEEP', body: 'issue text', topics: ['vpn'] }]);
    expect(merged.map((example) => [example.id, example.topics[0]])).toEqual([
      ['c2', 'http'],
      ['acme/app#1', 'vpn'],
    ]);
  });
});

describe('promotion', () => {
  const figures = (macroF1: number): ModelFigures => ({ accuracy: 0.8, macroF1, top3: 0.9, abstentionRate: 0.1, selectiveAccuracy: 0.85, examples: 100, corrections: 2, folds: 5 });

  it('promotes a model that is at least as good on held-out folds', () => {
    expect(shouldPromote(figures(0.8), figures(0.8))).toBe(true);
    expect(shouldPromote(figures(0.81), figures(0.8))).toBe(true);
    expect(shouldPromote(figures(0.79), figures(0.8))).toBe(false);
    expect(shouldPromote(figures(0.1), null)).toBe(true);
  });

  it('reads stored figures back, and refuses metrics of another shape', () => {
    expect(storedFigures({ ...figures(0.7), perTopic: {} })).toEqual(figures(0.7));
    expect(storedFigures({ accuracy: 0.9 })).toBeNull();
    expect(storedFigures({ ...figures(0.7), macroF1: 'high' })).toBeNull();
  });
});
