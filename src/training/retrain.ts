import fs from 'node:fs';
import { crossValidate, primaryTopicFolds } from '../classify/cross-validate.js';
import { evaluatePredictions } from '../classify/evaluate.js';
import { readExamples, trainModel, type Example, type KnowledgeBase, type Model, type TrainOptions } from '../classify/index.js';
import { modelFactory } from '../cli/eval.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { StoredIssue } from '../store/types.js';
import { figuresOf, shouldPromote, storedFigures, type ModelFigures } from './promotion.js';
import { correctedExamples, finalCorrections, issueKey, mergeTrainingSet } from './training-set.js';

export interface RetrainDeps {
  store: Store;
  knowledge(): KnowledgeBase;
  setKnowledge(kb: KnowledgeBase): void;
  /** The labelled corpus (JSONL) the corrections are added to. */
  corpusFiles: string[];
  now(): Date;
  logger: Logger;
  folds?: number;
  trainOptions?: Partial<TrainOptions>;
}

export interface RetrainOutcome {
  model: Model;
  figures: ModelFigures;
  promoted: boolean;
  /** The version that was current before, with the figures it was judged by. */
  previous: { version: string; figures: ModelFigures };
}

export class TrainingDataMissingError extends Error {
  constructor(files: string[]) {
    super(`no labelled corpus to train on: none of ${files.join(', ')} exists (set TRAINING_FILES or SHARED_DIR)`);
    this.name = 'TrainingDataMissingError';
  }
}

const defaultFolds = 5;

export function readCorpus(files: string[]): Example[] {
  const present = files.filter((file) => fs.existsSync(file));
  if (present.length === 0) throw new TrainingDataMissingError(files);
  return present.flatMap((file) => readExamples(file));
}

async function issuesOf(store: Store, keys: Iterable<{ repo: string; issueNumber: number }>): Promise<Map<string, StoredIssue>> {
  const issues = new Map<string, StoredIssue>();
  for (const { repo, issueNumber } of keys) {
    const [issue] = await store.listIssues({ repo, afterNumber: issueNumber - 1, limit: 1 });
    if (issue?.number === issueNumber) issues.set(issueKey(repo, issueNumber), issue);
  }
  return issues;
}

/** Corpus plus corrected issues, as training examples; also says how many came from corrections. */
export async function gatherTrainingSet(store: Store, corpus: Example[], knownTopics: readonly string[]): Promise<{ examples: Example[]; corrections: number }> {
  const corrections = await store.listCorrections();
  const issues = await issuesOf(store, finalCorrections(corrections).values());
  const corrected = correctedExamples(corrections, issues, knownTopics);
  return { examples: mergeTrainingSet(corpus, corrected), corrections: corrected.length };
}

function crossValidatedFigures(examples: Example[], kb: KnowledgeBase, folds: number, corrections: number, options: Partial<TrainOptions>): ModelFigures {
  const predictions = crossValidate(examples, primaryTopicFolds(examples, folds), modelFactory(kb, options));
  const report = evaluatePredictions(predictions, kb.topics.map((topic) => topic.slug), kb.abstainTopic);
  return figuresOf(report, { corrections, folds });
}

/**
 * The figures of the model in use. A model that never went through the store (the committed
 * file) is measured now, on the corpus it was trained from, and recorded so it can be rolled back to.
 */
async function currentFigures(deps: RetrainDeps, corpus: Example[], folds: number): Promise<{ version: string; figures: ModelFigures }> {
  const kb = deps.knowledge();
  const stored = (await deps.store.listModelVersions()).find((version) => version.version === kb.model.version);
  const figures = stored ? storedFigures(stored.metrics) : null;
  if (stored && figures) return { version: stored.version, figures };
  const measured = crossValidatedFigures(corpus, kb, folds, 0, deps.trainOptions ?? {});
  await deps.store.saveModelVersion(
    { version: kb.model.version, createdAt: stored?.createdAt ?? deps.now().toISOString(), trainingSize: kb.model.training.examples, metrics: { ...measured }, current: true },
    JSON.stringify(kb.model),
  );
  return { version: kb.model.version, figures: measured };
}

/**
 * Trains on the corpus plus maintainers' corrections, measures the result by cross-validation,
 * stores it as a new model version, and switches the service to it only if it is not worse than
 * the current one. The old version stays in the store for rollback.
 */
export async function retrainModel(deps: RetrainDeps): Promise<RetrainOutcome> {
  const folds = deps.folds ?? defaultFolds;
  const kb = deps.knowledge();
  const corpus = readCorpus(deps.corpusFiles);
  const previous = await currentFigures(deps, corpus, folds);
  const { examples, corrections } = await gatherTrainingSet(deps.store, corpus, kb.topics.map((topic) => topic.slug));
  const options = deps.trainOptions ?? {};
  const model = trainModel(examples, kb, options);
  const figures = crossValidatedFigures(examples, kb, folds, corrections, options);
  const promoted = model.version !== previous.version && shouldPromote(figures, previous.figures);
  if (model.version !== previous.version) {
    await deps.store.saveModelVersion(
      { version: model.version, createdAt: deps.now().toISOString(), trainingSize: examples.length, metrics: { ...figures }, current: promoted },
      JSON.stringify(model),
    );
  }
  if (promoted) deps.setKnowledge({ ...kb, model });
  deps.logger.info(
    { version: model.version, previous: previous.version, promoted, examples: examples.length, corrections, macroF1: figures.macroF1, previousMacroF1: previous.figures.macroF1 },
    promoted ? 'retrained model is now current' : 'retrained model kept aside: not better than the current one',
  );
  return { model, figures, promoted, previous };
}
