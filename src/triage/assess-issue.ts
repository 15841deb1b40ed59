import { classify, rankResources, type KnowledgeBase } from '../classify/index.js';
import type { Classification } from '../classify/types.js';
import type { RepoSettings } from '../config/repo-config.js';
import type { SimilarIssueRef } from '../store/types.js';
import { decideTriage, maxSuggestedResources } from './decide.js';
import type { TriageDecision } from './types.js';

/**
 * Everything the bot concludes about one issue from its text: the classification, and the
 * decision built on it with the matching resources. Pure; the worker, the `classify` and
 * `backfill` commands all call this one function, so they never disagree.
 */
export function assessIssue(input: {
  kb: KnowledgeBase;
  issue: { title: string; body: string; labels: string[] };
  similar: SimilarIssueRef[];
  settings: RepoSettings;
}): { classification: Classification; decision: TriageDecision } {
  const { kb, issue, similar, settings } = input;
  const text = { title: issue.title, body: issue.body };
  const classification = classify(kb, text);
  const resources = rankResources(kb, text, classification, maxSuggestedResources);
  return { classification, decision: decideTriage({ issue, classification, resources, similar, knowledge: kb, settings }) };
}
