import { classify } from './classify.js';
import type { ClassifierFactory } from './cross-validate.js';
import { trainModel, type TrainOptions } from './train.js';
import type { KnowledgeBaseDefinition } from './types.js';

/** The shipped classifier as cross-validation sees it: trained on some examples, judging the rest. */
export function modelFactory(kb: KnowledgeBaseDefinition, options: Partial<TrainOptions> = {}): ClassifierFactory {
  return (training) => {
    const model = trainModel(training, kb, options);
    return (issue) => {
      const classification = classify(model, issue);
      return {
        ranking: classification.ranking.map(({ topic }) => topic),
        abstain: classification.abstain,
        confidence: classification.confidence,
      };
    };
  };
}
