import type { ClassifierFactory } from './cross-validate.js';
import { naturalBayesClassifier, naturalTfIdf } from './natural-parts.js';
import { tokenize } from './tokenize.js';
import type { IssueText } from './types.js';

/**
 * natural keeps features in plain objects, where a token such as `constructor` reads an
 * inherited property and yields NaN; a prefix makes every token an own, ordinary key.
 */
function safeTokens(issue: IssueText): string[] {
  return tokenize(`${issue.title} ${issue.body}`).map((term) => `t:${term}`);
}

function rankLabels(scores: Map<string, number>, topics: string[]): string[] {
  return [...topics].sort((a, b) => (scores.get(b) ?? -Infinity) - (scores.get(a) ?? -Infinity) || topics.indexOf(a) - topics.indexOf(b));
}

/** natural's naive Bayes on the same tokens; it abstains only by predicting the abstain topic. */
export function naturalBayesBaseline(topics: string[], abstainTopic: string): ClassifierFactory {
  return (training) => {
    const classifier = naturalBayesClassifier();
    for (const example of training) classifier.addDocument(safeTokens(example), example.topics[0]);
    classifier.train();
    return (issue) => {
      const scores = new Map(classifier.getClassifications(safeTokens(issue)).map(({ label, value }) => [label, value]));
      const ranking = rankLabels(scores, topics);
      return { ranking, abstain: ranking[0] === abstainTopic };
    };
  };
}

/** natural's TfIdf with one document per topic (all its examples), scored by `tfidfs`. */
export function naturalTfIdfBaseline(topics: string[], abstainTopic: string): ClassifierFactory {
  return (training) => {
    const tfidf = naturalTfIdf();
    for (const topic of topics) {
      tfidf.addDocument(training.filter((example) => example.topics[0] === topic).flatMap(safeTokens), topic);
    }
    return (issue) => {
      const values = tfidf.tfidfs(safeTokens(issue));
      const ranking = rankLabels(new Map(topics.map((topic, i) => [topic, values[i]])), topics);
      return { ranking, abstain: ranking[0] === abstainTopic };
    };
  };
}
