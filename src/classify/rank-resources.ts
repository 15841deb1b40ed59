import { buildVocabulary } from './features.js';
import { countTerms, tokenize } from './tokenize.js';
import type { Classification, IssueText, KnowledgeBase, Resource } from './types.js';

export interface RankedResource {
  resource: Resource;
  score: number;
  /** The resource's keywords whose every term occurs in the issue. */
  matchedKeywords: string[];
}

interface ResourceIndex {
  idf: Map<string, number>;
  vectors: Array<Map<string, number>>;
  keywordTerms: string[][][];
}

/** Each matched keyword adds this much: a named API is stronger evidence than shared prose. */
const keywordBonus = 0.15;
/** Resources filed first under the chosen topic are about it, not merely near it. */
const primaryTopicBonus = 0.1;

function normalised(counts: Map<string, number>, idf: Map<string, number>): Map<string, number> {
  const vector = new Map<string, number>();
  let norm = 0;
  for (const [term, count] of counts) {
    const weight = (1 + Math.log(count)) * (idf.get(term) ?? 0);
    if (weight <= 0) continue;
    vector.set(term, weight);
    norm += weight * weight;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [term, weight] of vector) vector.set(term, weight / norm);
  return vector;
}

function resourceTerms(resource: Resource): string[] {
  return tokenize([resource.title, resource.keywords.join(' '), resource.summary].join(' '));
}

/** Built once per resource catalog; keyed weakly so a reloaded knowledge base gets a fresh index. */
const indexes = new WeakMap<Resource[], ResourceIndex>();

function resourceIndex(resources: Resource[]): ResourceIndex {
  const cached = indexes.get(resources);
  if (cached) return cached;
  const counts = resources.map((resource) => countTerms(resourceTerms(resource)));
  const vocabulary = buildVocabulary(counts, 1);
  const idf = new Map(vocabulary.vocabulary.map((term, i) => [term, vocabulary.idf[i]]));
  const index: ResourceIndex = {
    idf,
    vectors: counts.map((termCounts) => normalised(termCounts, idf)),
    keywordTerms: resources.map((resource) => resource.keywords.map((keyword) => tokenize(keyword))),
  };
  indexes.set(resources, index);
  return index;
}

/** Topics a resource may serve: the chosen one, and the runner-up when the bot was unsure. */
function candidateTopics(kb: KnowledgeBase, classification: Classification): string[] {
  const topics = [classification.topic];
  const runnerUp = classification.ranking[1]?.topic;
  if (classification.abstain && runnerUp && runnerUp !== kb.abstainTopic) topics.push(runnerUp);
  return topics;
}

/**
 * Up to `limit` resources that fit the issue: filed under the chosen topic, ranked by TF-IDF
 * similarity of the issue to the resource's title, keywords and summary. Empty when the
 * abstain topic won: off-topic questions get no reference links.
 */
export function rankResources(kb: KnowledgeBase, issue: IssueText, classification: Classification, limit = 3): RankedResource[] {
  if (classification.topic === kb.abstainTopic || limit <= 0) return [];
  const topics = candidateTopics(kb, classification);
  const index = resourceIndex(kb.resources);
  const issueTerms = tokenize(`${issue.title} ${issue.title} ${issue.body}`);
  const issueTermSet = new Set(issueTerms);
  const issueVector = normalised(countTerms(issueTerms), index.idf);
  const ranked: RankedResource[] = [];
  kb.resources.forEach((resource, position) => {
    if (!resource.topics.some((topic) => topics.includes(topic))) return;
    let similarity = 0;
    for (const [term, weight] of index.vectors[position]) similarity += weight * (issueVector.get(term) ?? 0);
    const matchedKeywords = resource.keywords.filter((_, k) => {
      const terms = index.keywordTerms[position][k];
      return terms.length > 0 && terms.every((term) => issueTermSet.has(term));
    });
    const primary = resource.topics[0] === classification.topic ? primaryTopicBonus : 0;
    const score = similarity + keywordBonus * matchedKeywords.length + primary;
    ranked.push({ resource, score: Number(score.toFixed(4)), matchedKeywords });
  });
  return ranked.sort((a, b) => b.score - a.score || a.resource.id.localeCompare(b.resource.id)).slice(0, limit);
}
