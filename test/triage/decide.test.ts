import { describe, expect, it } from 'vitest';
import { decideTriage } from '../../src/triage/decide.js';
import { classification, input, knowledge, ranked, wifiGuide } from './fixtures.js';

function act(decision: ReturnType<typeof decideTriage>) {
  if (decision.kind !== 'act') throw new Error(`expected an act decision, got skip: ${decision.reason}`);
  return decision;
}

describe('decideTriage', () => {
  it('labels a confident, complete question with its topic and links the resources', () => {
    const decision = act(decideTriage(input()));
    expect(decision.abstained).toBe(false);
    expect(decision.labels.map((label) => label.name)).toEqual(['topic: Wi-Fi']);
    expect(decision.labels[0].color).toBe('1d76db');
    expect(decision.missing).toEqual([]);
    expect(decision.resources.map((link) => link.id)).toEqual(['wifi-guide', 'wifi-faq']);
    expect(decision.reply).toBe(true);
  });

  it('links a forum search for a resource whose URL the catalog does not know, never a guessed URL', () => {
    const decision = act(decideTriage(input()));
    const faq = decision.resources.find((link) => link.id === 'wifi-faq');
    expect(faq?.direct).toBe(false);
    expect(faq?.url).toBe('https://forums.example.com/search?q=Wi-Fi%20FAQ');
    expect(decision.resources[0].why).toContain('ssid');
  });

  it('abstains below the threshold: needs-human label, no resources', () => {
    const decision = act(decideTriage(input({ classification: classification('wifi', 0.4, true) })));
    expect(decision.abstained).toBe(true);
    expect(decision.abstainReason).toBe('not confident enough');
    expect(decision.labels.map((label) => label.name)).toEqual(['triage: needs human']);
    expect(decision.resources).toEqual([]);
  });

  it('abstains on the off-topic topic even when confident', () => {
    const decision = act(decideTriage(input({ classification: classification('other', 0.99) })));
    expect(decision.abstained).toBe(true);
    expect(decision.topic).toBeNull();
  });

  it('abstains when the repository does not serve the topic', () => {
    const decision = act(decideTriage(input({ settings: { mode: 'on', reply: true, needsInfo: true, topics: ['tls'], labelMap: {} } })));
    expect(decision.abstainReason).toBe('topic not served by this repository');
  });

  it('asks for missing details of a problem report and adds needs-info', () => {
    const decision = act(decideTriage(input({ issue: { title: 'Joining fails', body: 'It just fails every time, please help.', labels: [] } })));
    expect(decision.missing).toEqual(['platform', 'api', 'error', 'code']);
    expect(decision.labels.map((label) => label.name)).toEqual(['topic: Wi-Fi', 'triage: needs info']);
  });

  it('does not ask for details when the repository turned needs-info off', () => {
    const settings = { mode: 'on' as const, reply: true, needsInfo: false, topics: null, labelMap: {} };
    const decision = act(decideTriage(input({ settings, issue: { title: 'Joining fails', body: 'It fails.', labels: [] } })));
    expect(decision.missing).toEqual([]);
  });

  it('skips an issue a human already gave a topic label', () => {
    const decision = decideTriage(input({ issue: { title: 't', body: 'b', labels: ['topic: TLS'] } }));
    expect(decision).toEqual({ kind: 'skip', reason: 'already has a topic label' });
  });

  it('maps label names to the repository’s own', () => {
    const settings = { mode: 'on' as const, reply: true, needsInfo: true, topics: null, labelMap: { 'topic: Wi-Fi': 'area/wifi' } };
    const decision = act(decideTriage(input({ settings })));
    expect(decision.labels[0]).toMatchObject({ name: 'area/wifi', color: '1d76db' });
  });

  it('posts no reply when there is nothing useful to say, or when replies are off', () => {
    const nothing = act(decideTriage(input({ resources: [] })));
    expect(nothing.reply).toBe(false);
    const off = act(decideTriage(input({ settings: { mode: 'on', reply: false, needsInfo: true, topics: null, labelMap: {} } })));
    expect(off.reply).toBe(false);
    expect(off.labels.length).toBeGreaterThan(0);
  });

  it('suggests at most three resources', () => {
    const many = [1, 2, 3, 4, 5].map((n) => ranked({ ...wifiGuide, id: `r${n}` }));
    expect(act(decideTriage(input({ resources: many }))).resources).toHaveLength(3);
  });

  it('is pure: the same input gives the same decision', () => {
    expect(decideTriage(input())).toEqual(decideTriage(input()));
    expect(knowledge.topics).toHaveLength(3);
  });
});
