import { crossValidate, primaryTopicFolds, type ClassifierFactory } from '../classify/cross-validate.js';
import { evaluatePredictions, type EvaluationReport } from '../classify/evaluate.js';
import { trainModel, type Example, type KnowledgeBase, type Model, type TrainOptions } from '../classify/index.js';
import { modelFactory } from '../classify/model-factory.js';
import { sameQuestion } from './training-set.js';

export interface TrainingJob {
  /** The corpus plus every correction: what the candidate learns from. */
  examples: Example[];
  /** What the model in use learned from, to judge both on the same folds. */
  previousExamples: Example[];
  kb: KnowledgeBase;
  folds: number;
  options: Partial<TrainOptions>;
}

export type TrainingResult =
  | { kind: 'unchanged'; version: string }
  | { kind: 'trained'; model: Model; reports: { candidate: EvaluationReport; current: EvaluationReport } };

/**
 * Measures the candidate and the model in use on the same held-out folds of the candidate's
 * examples (whose labels include the latest corrections). Each fold's held-out questions are
 * kept out of both trainings, so neither is judged on what it learned from. Measuring each on
 * its own folds instead would let one more example reshuffle the folds and swing the figures
 * by more than the corrections could ever move them.
 */
function compareOnSameFolds(candidate: Example[], current: Example[], kb: KnowledgeBase, folds: number, options: Partial<TrainOptions>): { candidate: EvaluationReport; current: EvaluationReport } {
  const topics = kb.topics.map((topic) => topic.slug);
  const foldOf = primaryTopicFolds(candidate, folds);
  const factory = modelFactory(kb, options);
  const currentFactory: ClassifierFactory = (training) => {
    const kept = new Set(training.map((example) => sameQuestion(example.title)));
    const heldOut = new Set(candidate.map((example) => sameQuestion(example.title)).filter((key) => !kept.has(key)));
    return factory(current.filter((example) => !heldOut.has(sameQuestion(example.title))));
  };
  return {
    candidate: evaluatePredictions(crossValidate(candidate, foldOf, factory), topics, kb.abstainTopic),
    current: evaluatePredictions(crossValidate(candidate, foldOf, currentFactory), topics, kb.abstainTopic),
  };
}

/** Pure: trains the candidate and, unless it is the model in use, measures both on the same folds. */
export function trainAndCompare(job: TrainingJob): TrainingResult {
  const model = trainModel(job.examples, job.kb, job.options);
  if (model.version === job.kb.model.version) return { kind: 'unchanged', version: model.version };
  return { kind: 'trained', model, reports: compareOnSameFolds(job.examples, job.previousExamples, job.kb, job.folds, job.options) };
}
