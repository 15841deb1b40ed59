import { describe, expect, it } from 'vitest';
import { classify, trainModel, type Model } from '../../src/classify/index.js';
import { tinyExamples, tinyKb } from './fixtures/tiny-kb.js';

const model = trainModel(tinyExamples, tinyKb);

describe('trainModel', () => {
  it('gives the same bytes for the same input', () => {
    expect(JSON.stringify(trainModel(tinyExamples, tinyKb))).toBe(JSON.stringify(model));
  });

  it('changes version when the examples change', () => {
    const more = [...tinyExamples, { title: 'Proxy settings ignored by URLSession', body: 'The HTTP proxy from the system is not used.', topics: ['http'] }];
    expect(trainModel(more, tinyKb).version).not.toBe(model.version);
    expect(model.version).toMatch(/^tiny-[0-9a-f]{12}$/);
  });

  it('keeps term statistics, not sentences', () => {
    const json = JSON.stringify(model);
    for (const example of tinyExamples) expect(json).not.toContain(example.title);
    expect(model.vocabulary.every((term) => !/\s/.test(term))).toBe(true);
    expect(model.weights).toHaveLength(model.vocabulary.length);
    expect(model.thresholds[model.topics.indexOf('other')]).toBe(1);
  });

  it('rejects examples whose topic the knowledge base does not define', () => {
    expect(() => trainModel([{ id: 'x1', title: 'a', body: 'b', topics: ['nope'] }], tinyKb)).toThrow(/x1 has topic "nope"/);
  });

  it('gives the abstain topic more probability when off-topic documents weigh more', () => {
    const issue = { title: 'Xcode shows a tunnel warning', body: 'The App Store build fails for the VPN app' };
    const offTopic = (trained: Model) => classify(trained, issue).ranking.find(({ topic }) => topic === 'other')?.score ?? 0;
    expect(offTopic(trainModel(tinyExamples, tinyKb, { abstainWeight: 3 }))).toBeGreaterThan(offTopic(model));
  });

  it('learns rare topics from the knowledge base alone', () => {
    const withoutLegacy = tinyExamples.filter((example) => example.topics[0] !== 'legacy');
    const priorsOnly = trainModel(withoutLegacy, tinyKb);
    expect(classify(priorsOnly, { title: 'FTP upload', body: 'Sending a file to an FTP server' }).topic).toBe('legacy');
  });
});

describe('classify', () => {
  it('picks the topic of an issue it has not seen, with calibrated probabilities over every topic', () => {
    const result = classify(model, { title: 'UDP datagrams lost', body: 'NWListener gets nothing when the NWConnection sends UDP' });
    expect(result.topic).toBe('sockets');
    expect(result.ranking.map(({ topic }) => topic).sort()).toEqual(tinyKb.topics.map(({ slug }) => slug).sort());
    expect(result.ranking.reduce((sum, { score }) => sum + score, 0)).toBeCloseTo(1, 6);
    expect(result.confidence).toBe(result.ranking[0].score);
    expect(result.modelVersion).toBe(model.version);
    expect(result.terms.map(({ term }) => term)).toContain('udp');
    expect(result.terms.every(({ weight }) => weight > 0)).toBe(true);
  });

  it('abstains when the abstain topic wins', () => {
    const result = classify(model, { title: 'Bluetooth keeps disconnecting', body: 'Core Bluetooth peripheral drops' });
    expect(result.topic).toBe('other');
    expect(result.abstain).toBe(true);
  });

  it('abstains below the topic threshold and labels at or above it', () => {
    const issue = { title: 'VPN tunnel', body: 'packet tunnel provider stops' };
    const { confidence } = classify(model, issue);
    const above: Model = { ...model, thresholds: model.thresholds.map(() => confidence + 1e-9) };
    const exactly: Model = { ...model, thresholds: model.thresholds.map(() => confidence) };
    expect(classify(above, issue)).toMatchObject({ topic: 'vpn', abstain: true, threshold: confidence + 1e-9 });
    expect(classify(exactly, issue)).toMatchObject({ topic: 'vpn', abstain: false, threshold: confidence });
  });

  it('abstains when the abstain topic is likely enough, even if another topic ranks first', () => {
    const issue = { title: 'VPN tunnel', body: 'packet tunnel provider stops' };
    const result = classify(model, issue);
    const offTopic = result.ranking.find(({ topic }) => topic === 'other')?.score ?? 0;
    const lenient: Model = { ...model, thresholds: model.thresholds.map(() => 0), offTopicThreshold: offTopic + 1e-9 };
    const strict: Model = { ...lenient, offTopicThreshold: offTopic };
    expect(classify(lenient, issue)).toMatchObject({ topic: 'vpn', abstain: false });
    expect(classify(strict, issue)).toMatchObject({ topic: 'vpn', abstain: true });
  });

  it('accepts a knowledge base as well as a model', () => {
    const issue = { title: 'Cookies missing', body: 'HTTPCookieStorage cookie not sent by URLSession' };
    expect(classify({ ...tinyKb, model }, issue)).toEqual(classify(model, issue));
  });

  it('stays finite for prototype-named words and empty text', () => {
    for (const issue of [{ title: 'constructor', body: 'constructor __proto__ valueOf' }, { title: '', body: '' }]) {
      const result = classify(model, issue);
      expect(result.ranking.every(({ score }) => Number.isFinite(score))).toBe(true);
    }
  });
});
