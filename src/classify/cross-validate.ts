import type { ScoredPrediction } from './evaluate.js';
import { stratifiedFolds } from './folds.js';
import type { Example, IssueText } from './types.js';

/** What an evaluated classifier says about one issue: topics best first, and whether it abstains. */
export interface Verdict {
  ranking: string[];
  abstain: boolean;
  /** Confidence in the top topic, for the risk–coverage curve; classifiers without one leave it out. */
  confidence?: number;
}

/** Trains on some examples and returns a function that judges unseen issues. */
export type ClassifierFactory = (training: Example[]) => (issue: IssueText) => Verdict;

export const evaluationSeed = 4242;

/** Folds of a stratified K-fold split by primary topic; the same for every classifier compared. */
export function primaryTopicFolds(examples: Example[], k: number, seed = evaluationSeed): number[] {
  return stratifiedFolds(
    examples.map((example) => example.topics[0]),
    k,
    seed,
  );
}

/** Held-out predictions for every example: each judged by a model trained on the other folds. */
export function crossValidate(examples: Example[], folds: number[], factory: ClassifierFactory): ScoredPrediction[] {
  const predictions: ScoredPrediction[] = new Array(examples.length);
  const foldCount = Math.max(...folds) + 1;
  for (let fold = 0; fold < foldCount; fold++) {
    const judge = factory(examples.filter((_, i) => folds[i] !== fold));
    examples.forEach((example, i) => {
      if (folds[i] === fold) predictions[i] = { gold: example.topics, ...judge(example) };
    });
  }
  return predictions;
}

/** Predictions for a separate test set from a model trained on all the training data. */
export function holdOutPredictions(training: Example[], test: Example[], factory: ClassifierFactory): ScoredPrediction[] {
  const judge = factory(training);
  return test.map((example) => ({ gold: example.topics, ...judge(example) }));
}
