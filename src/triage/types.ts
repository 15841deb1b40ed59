import type { RankedResource } from '../classify/rank-resources.js';
import type { Classification, Topic } from '../classify/types.js';
import type { RepoSettings } from '../config/repo-config.js';
import type { LabelSpec } from '../github/issue-tracker.js';
import type { SimilarIssueRef } from '../store/types.js';
import type { InfoItem } from './missing-info.js';

export type { RankedResource };

/** What the decision needs from the knowledge base: data only. */
export interface TriageKnowledge {
  topics: Topic[];
  abstainTopic: string;
  stateLabels: { needsInfo: LabelSpec; needsHuman: LabelSpec };
  forumSearchUrl: string;
}

export interface DecideInput {
  issue: { title: string; body: string; labels: string[] };
  classification: Classification;
  resources: RankedResource[];
  similar: SimilarIssueRef[];
  knowledge: TriageKnowledge;
  settings: RepoSettings;
}

export interface SuggestedLink {
  id: string;
  title: string;
  url: string;
  /** False when the catalog had no URL and this links a forum search for the title. */
  direct: boolean;
  why: string;
  score: number;
}

export type TriageDecision =
  | { kind: 'skip'; reason: string }
  | {
      kind: 'act';
      topic: Topic | null;
      abstained: boolean;
      abstainReason: string | null;
      labels: LabelSpec[];
      missing: InfoItem[];
      resources: SuggestedLink[];
      similar: SimilarIssueRef[];
      /** Whether a reply should be posted at all (something useful to say, and replies are on). */
      reply: boolean;
    };
