import type { Classification, Resource, Topic } from '../../src/classify/types.js';
import { defaultRepoSettings, type RepoSettings } from '../../src/config/repo-config.js';
import type { DecideInput, RankedResource, TriageKnowledge } from '../../src/triage/types.js';

export const topics: Topic[] = [
  { slug: 'wifi', label: 'topic: Wi-Fi', color: '1d76db', description: 'Wi-Fi accessories, SSID, hotspot configuration', keywords: ['ssid'] },
  { slug: 'tls', label: 'topic: TLS', color: 'b60205', description: 'Certificates and server trust', keywords: ['certificate'] },
  { slug: 'other', label: null, color: 'cccccc', description: 'Off-topic', keywords: [] },
];

export const knowledge: TriageKnowledge = {
  topics,
  abstainTopic: 'other',
  stateLabels: {
    needsInfo: { name: 'triage: needs info', color: 'fbca04', description: 'More information needed' },
    needsHuman: { name: 'triage: needs human', color: 'd93f0b', description: 'The bot was not sure' },
  },
  forumSearchUrl: 'https://forums.example.com/search?q={query}',
};

export function classification(topic: string, confidence: number, abstain = false): Classification {
  const others = topics.filter((t) => t.slug !== topic);
  return {
    ranking: [{ topic, score: confidence }, ...others.map((t) => ({ topic: t.slug, score: (1 - confidence) / others.length }))],
    topic,
    confidence,
    threshold: 0.8,
    abstain,
    terms: [{ term: 'ssid', weight: 1.2 }],
    modelVersion: 'test-1',
  };
}

export const wifiGuide: Resource = {
  id: 'wifi-guide',
  title: 'Joining a Wi-Fi network from an app',
  kind: 'technote',
  url: 'https://docs.example.com/wifi-guide',
  topics: ['wifi'],
  summary: 'Explains which Wi-Fi APIs an app may use. Also covers accessories.',
  keywords: ['ssid', 'hotspot'],
  section: 'Wi-Fi',
};

export const unknownUrlPost: Resource = { ...wifiGuide, id: 'wifi-faq', title: 'Wi-Fi FAQ', url: null, summary: 'Answers common Wi-Fi questions.' };

export function ranked(resource: Resource, score = 0.5, matchedKeywords = ['ssid']): RankedResource {
  return { resource, score, matchedKeywords };
}

export function input(overrides: Partial<DecideInput> & { settings?: RepoSettings } = {}): DecideInput {
  return {
    issue: { title: 'Reading the network name', body: 'On iOS 18.2, how can my app read the SSID with NEHotspotNetwork.fetchCurrent?', labels: [] },
    classification: classification('wifi', 0.97),
    resources: [ranked(wifiGuide), ranked(unknownUrlPost, 0.3, [])],
    similar: [],
    knowledge,
    settings: defaultRepoSettings,
    ...overrides,
  };
}
