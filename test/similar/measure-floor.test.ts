import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Example } from '../../src/classify/types.js';
import { DEFAULT_SIMILARITY_FLOOR, measureSimilarityFloor } from '../../src/similar/index.js';
import { splitInHalves } from '../../src/similar/measure-floor.js';
import { sharedDir, sharedMissingMessage } from '../support/shared-dir.js';

/** Each example repeats its own distinctive words in both halves; topics share only filler. */
function handWrittenExamples(): Example[] {
  const problems = [
    ['tunnel', 'packet tunnel provider drops DNS resolver settings', 'resolver settings vanish from the tunnel provider'],
    ['websocket', 'websocket task closes with code 1001 in background', 'background websocket task code 1001 closes'],
    ['pinning', 'certificate pinning rejects leaf certificate trust', 'leaf certificate trust rejected by pinning'],
    ['bonjour', 'bonjour browser finds no services on local network', 'local network bonjour services missing from browser'],
    ['proxy', 'system proxy ignored by ephemeral configuration', 'ephemeral configuration ignores system proxy'],
    ['multipath', 'multipath handover slow when wifi weakens', 'handover to cellular slow multipath wifi'],
  ];
  const filler = 'the app shows a problem on the device when the user opens it';
  return problems.map(([topic, first, second], i) => ({
    id: String(i),
    title: `${first.split(' ').slice(0, 3).join(' ')}`,
    body: `${first} ${filler} ${filler} ${second} ${filler}`,
    topics: [topic],
  }));
}

describe('splitInHalves', () => {
  it('cuts at whitespace near the middle and loses nothing', () => {
    const [a, b] = splitInHalves('alpha beta gamma delta');
    expect(a + b).toBe('alpha beta gamma delta');
    expect(a.trim()).toBe('alpha beta');
    expect(splitInHalves('unbroken')).toEqual(['unbr', 'oken']);
  });
});

describe('measureSimilarityFloor', () => {
  it('places the floor between same-problem pairs and word-sharing pairs', () => {
    const result = measureSimilarityFloor(handWrittenExamples());
    expect(result.positives).toBe(6);
    expect(result.negatives).toBeGreaterThan(0);
    expect(result.pairs).toBe(result.positives + result.negatives);
    expect(result.precision).toBeGreaterThanOrEqual(0.9);
    expect(result.recall).toBe(1);
    expect(result.floor).toBeGreaterThan(0);
    expect(result.floor).toBeLessThan(1);
  });

  it('gives floor 1 and no recall when no cut reaches the target precision', () => {
    const same = handWrittenExamples().map((e, i) => ({ ...e, topics: [`t${i}`], body: 'identical words everywhere in every example body here' }));
    const result = measureSimilarityFloor(same, { targetPrecision: 0.99 });
    expect(result.floor).toBe(1);
    expect(result.recall).toBe(0);
  });
});

describe.skipIf(!sharedDir())(sharedDir() ? 'the default floor on the corpus' : sharedMissingMessage, () => {
  it('still reaches the target precision when re-measured', () => {
    const corpus = path.join(sharedDir()!, 'corpus');
    const examples: Example[] = ['questions.jsonl', 'github-issues.jsonl'].flatMap((file) =>
      fs.readFileSync(path.join(corpus, file), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Example),
    );
    const measured = measureSimilarityFloor(examples);
    expect(measured.precision).toBeGreaterThanOrEqual(measured.targetPrecision);
    expect(measured.recall).toBeGreaterThan(0.2);
    expect(Math.abs(measured.floor - DEFAULT_SIMILARITY_FLOOR)).toBeLessThan(0.03);
  });
});
