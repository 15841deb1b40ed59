/** A support topic, defined in the knowledge base's `topics.yml`, never in code. */
export interface Topic {
  slug: string;
  /** The GitHub label applied for this topic; absent for the abstain topic (`other`). */
  label: string | null;
  /** Label colour as six hex digits, no `#`. */
  color: string;
  description: string;
  keywords: string[];
}

/** A reference post, technote or documentation page the reply may link to. */
export interface Resource {
  id: string;
  title: string;
  kind: string;
  /** Null when the catalog does not know the URL: the reply links a forum search instead. */
  url: string | null;
  topics: string[];
  summary: string;
  keywords: string[];
  section: string;
}

/** One labelled example: title, body and gold topics (primary first). */
export interface Example {
  id?: string;
  title: string;
  body: string;
  topics: string[];
}

export interface IssueText {
  title: string;
  body: string;
}

export interface TopicScore {
  topic: string;
  score: number;
}

export interface TermContribution {
  term: string;
  weight: number;
}

/** What the classifier says about one issue. Pure data; no side effects produced it. */
export interface Classification {
  /** Every topic, best first. Scores are calibrated probabilities that sum to 1. */
  ranking: TopicScore[];
  /** The best topic (may be the abstain topic). */
  topic: string;
  /** Calibrated probability that `topic` is right. */
  confidence: number;
  /** The per-topic threshold `confidence` had to reach. */
  threshold: number;
  /** True when the bot should not apply a topic label. */
  abstain: boolean;
  /** The terms that contributed most to `topic`. */
  terms: TermContribution[];
  modelVersion: string;
}
