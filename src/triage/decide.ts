import type { Topic } from '../classify/types.js';
import type { LabelSpec } from '../github/issue-tracker.js';
import { missingInfo } from './missing-info.js';
import type { DecideInput, RankedResource, SuggestedLink, TriageDecision, TriageKnowledge } from './types.js';

export const maxSuggestedResources = 3;

/** The repository's own name for one of the bot's labels (`labels:` in its config). */
export function mapLabel(label: LabelSpec, labelMap: Record<string, string>): LabelSpec {
  const mapped = labelMap[label.name];
  return mapped ? { ...label, name: mapped } : label;
}

/** A topic's GitHub label as the repository names it; null for the abstain topic. */
export function topicLabel(topic: Topic, labelMap: Record<string, string>): LabelSpec | null {
  if (!topic.label) return null;
  return mapLabel({ name: topic.label, color: topic.color, description: topic.description.slice(0, 100) }, labelMap);
}

/** A topic's name for people: its label without the `topic:` prefix, or its slug. */
export function topicDisplayName(topic: Pick<Topic, 'slug' | 'label'>): string {
  return (topic.label ?? topic.slug).replace(/^[^:]+:\s*/, '');
}

/** The topic whose label this is, under its own name or the name the repository maps it to. */
export function topicOfLabel(topics: readonly Topic[], labelMap: Record<string, string>, name: string): string | null {
  return topics.find((topic) => topic.label !== null && (topic.label === name || labelMap[topic.label] === name))?.slug ?? null;
}

function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(?:\s|$)/.exec(text.trim());
  return (match ? match[1] : text).trim();
}

/** A resource the catalog has no URL for is linked through a forum search for its title, never a guessed URL. */
export function resourceLink(ranked: RankedResource, knowledge: Pick<TriageKnowledge, 'forumSearchUrl'>): SuggestedLink {
  const { resource } = ranked;
  const direct = typeof resource.url === 'string' && resource.url.length > 0;
  const url = direct ? (resource.url as string) : knowledge.forumSearchUrl.replace('{query}', encodeURIComponent(resource.title));
  const matched = ranked.matchedKeywords.slice(0, 3);
  const why = matched.length > 0 ? `${firstSentence(resource.summary)} It covers ${matched.join(', ')}, which your issue mentions.` : firstSentence(resource.summary);
  return { id: resource.id, title: resource.title, url, direct, why, score: ranked.score };
}

/**
 * Decides what to do with one issue. Pure: the classification, the matches and the settings are
 * passed in; applying the result to GitHub is someone else's job.
 */
export function decideTriage(input: DecideInput): TriageDecision {
  const { issue, classification, knowledge, settings } = input;
  const topicsBySlug = new Map(knowledge.topics.map((topic) => [topic.slug, topic]));
  if (issue.labels.some((label) => topicOfLabel(knowledge.topics, settings.labelMap, label) !== null)) {
    return { kind: 'skip', reason: 'already has a topic label' };
  }

  const topic = topicsBySlug.get(classification.topic) ?? null;
  let abstainReason: string | null = null;
  if (!topic || classification.topic === knowledge.abstainTopic) abstainReason = 'off-topic for this queue';
  else if (classification.abstain) abstainReason = 'not confident enough';
  else if (settings.topics && !settings.topics.includes(topic.slug)) abstainReason = 'topic not served by this repository';
  const abstained = abstainReason !== null;

  const labels: LabelSpec[] = [];
  const chosenLabel = !abstained && topic ? topicLabel(topic, settings.labelMap) : null;
  if (chosenLabel) labels.push(chosenLabel);
  else labels.push(mapLabel(knowledge.stateLabels.needsHuman, settings.labelMap));

  const missing = settings.needsInfo ? missingInfo(issue.title, issue.body) : [];
  if (missing.length > 0) labels.push(mapLabel(knowledge.stateLabels.needsInfo, settings.labelMap));

  const resources = abstained ? [] : input.resources.slice(0, maxSuggestedResources).map((ranked) => resourceLink(ranked, knowledge));
  const similar = input.similar.slice(0, 3);
  const reply = settings.reply && (resources.length > 0 || similar.length > 0 || missing.length > 0);

  return { kind: 'act', topic: abstained ? null : topic, abstained, abstainReason, labels, missing, resources, similar, reply };
}
