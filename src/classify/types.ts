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

/** A label the bot applies about the state of triage rather than the topic. */
export interface StateLabel {
  name: string;
  color: string;
  description: string;
}

/** How issue text becomes a weighted bag of terms; stored with the model so serving matches training. */
export interface FeatureOptions {
  /** Title terms count this many times: titles say what the question is about. */
  titleWeight: number;
  /** Add adjacent-term pairs such as `local_network`. */
  bigrams: boolean;
  /** Use 1 + ln(tf) instead of raw counts, so one repeated word does not dominate. */
  sublinearTf: boolean;
  tokenize: { splitIdentifiers: boolean; errorCodes: boolean; cjk: boolean };
}

export type Learner = 'svm' | 'logistic' | 'centroid';

/**
 * A trained model: term statistics only (vocabulary, idf, per-topic weights), never text.
 * Scores are linear in the L2-normalised TF-IDF vector; probabilities are softmax(score / temperature).
 */
export interface Model {
  format: 1;
  /** Content hash: the same training data and options give the same version. */
  version: string;
  learner: Learner;
  /** Topic slugs; every per-topic array below is in this order. */
  topics: string[];
  abstainTopic: string;
  features: FeatureOptions;
  vocabulary: string[];
  idf: number[];
  /** weights[termIndex][topicIndex]. */
  weights: number[][];
  bias: number[];
  temperature: number;
  /** Per topic, the calibrated probability a prediction must reach to be labelled. */
  thresholds: number[];
  /** The bot abstains when the abstain topic's probability reaches this, whichever topic ranks first (1: never). */
  offTopicThreshold: number;
  training: { examples: number; priorDocuments: number; targetPrecision: number };
}

export interface KnowledgeBase {
  dir: string;
  name: string;
  topics: Topic[];
  abstainTopic: string;
  stateLabels: { needsInfo: StateLabel; needsHuman: StateLabel };
  /** Contains `{query}`; links a forum search for resources without a URL. */
  forumSearchUrl: string;
  resources: Resource[];
  model: Model;
}

/** The parts of a knowledge base training needs: everything but the model. */
export type KnowledgeBaseDefinition = Omit<KnowledgeBase, 'model'>;
