import { describe, expect, it } from 'vitest';
import { classify, rankResources, trainModel, type KnowledgeBase } from '../../src/classify/index.js';
import { tinyExamples, tinyKb } from './fixtures/tiny-kb.js';

const trained = trainModel(tinyExamples, tinyKb);
/** Thresholds at zero so the tests below see a confident bot unless they say otherwise. */
const kb: KnowledgeBase = { ...tinyKb, model: { ...trained, thresholds: trained.thresholds.map(() => 0) } };

describe('rankResources', () => {
  it('ranks resources of the chosen topic by how well they match the issue', () => {
    const issue = { title: 'Background download stops', body: 'My URLSession download task in a background session stops after a while.' };
    const ranked = rankResources(kb, issue, classify(kb, issue));
    expect(ranked.map(({ resource }) => resource.id)).toEqual(['background-downloads', 'http-guide']);
    expect(ranked[0].matchedKeywords).toEqual(['background session', 'download task']);
    expect(ranked[0].score).toBeGreaterThan(ranked[1].score);
    expect(ranked[0].resource.url).toBeNull();
  });

  it('never returns resources of another topic, and honours the limit', () => {
    const issue = { title: 'UDP broadcast', body: 'NWConnection broadcast over UDP also uses URLSession download' };
    const classification = classify(kb, issue);
    expect(classification.topic).toBe('sockets');
    expect(rankResources(kb, issue, classification).map(({ resource }) => resource.id)).toEqual(['udp-guide']);
    expect(rankResources(kb, issue, classification, 0)).toEqual([]);
  });

  it('also offers the runner-up topic\'s resources when the bot is unsure', () => {
    const issue = { title: 'UDP broadcast', body: 'NWConnection broadcast over UDP also uses URLSession download' };
    const unsure = { ...classify(kb, issue), abstain: true };
    const ids = rankResources(kb, issue, unsure).map(({ resource }) => resource.id);
    expect(ids[0]).toBe('udp-guide');
    expect(ids).toContain('background-downloads');
  });

  it('is empty when the abstain topic wins', () => {
    const issue = { title: 'Bluetooth peripheral', body: 'Core Bluetooth disconnects' };
    const classification = classify(kb, issue);
    expect(classification.topic).toBe('other');
    expect(rankResources(kb, issue, classification)).toEqual([]);
  });
});
