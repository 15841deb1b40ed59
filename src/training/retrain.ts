import fs from 'node:fs';
import { readExamples, type Example, type KnowledgeBase, type Model, type TrainOptions } from '../classify/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { CorrectionRecord, StoredIssue } from '../store/types.js';
import { figuresOf, shouldPromote, type ModelFigures } from './promotion.js';
import { trainOffThread } from './off-thread.js';
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

export type RetrainOutcome =
  /** The training data has not changed since the model in use was trained. */
  | { kind: 'unchanged'; version: string }
  | {
      kind: 'trained';
      model: Model;
      figures: ModelFigures;
      promoted: boolean;
      /** The version that was in use, with its figures on the same held-out folds. */
      previous: { version: string; figures: ModelFigures };
    };

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
function trainingSetOf(corpus: Example[], corrections: CorrectionRecord[], issues: Map<string, StoredIssue>, knownTopics: readonly string[]): { examples: Example[]; corrections: number } {
  const corrected = correctedExamples(corrections, issues, knownTopics);
  return { examples: mergeTrainingSet(corpus, corrected), corrections: corrected.length };
}

/** The newest correction a training set includes; versions record it so the next retrain can rebuild their data. */
function latestCorrectionAt(corrections: CorrectionRecord[]): string | null {
  return corrections.reduce<string | null>((latest, correction) => (latest === null || correction.createdAt > latest ? correction.createdAt : latest), null);
}

function trainedThroughOf(metrics: Record<string, unknown> | undefined): string | null {
  return typeof metrics?.trainedThrough === 'string' ? metrics.trainedThrough : null;
}

/**
 * Trains on the corpus plus maintainers' corrections, compares it with the model in use on the
 * same held-out folds, stores it as a new model version, and switches the service to it only if
 * it is not worse. The old version stays in the store for rollback (the committed model file is
 * stored too, the first time).
 */
export async function retrainModel(deps: RetrainDeps): Promise<RetrainOutcome> {
  const folds = deps.folds ?? defaultFolds;
  const options = deps.trainOptions ?? {};
  const kb = deps.knowledge();
  const topics = kb.topics.map((topic) => topic.slug);
  const corpus = readCorpus(deps.corpusFiles);
  const corrections = await deps.store.listCorrections();
  const inUse = (await deps.store.listModelVersions()).find((version) => version.version === kb.model.version);
  // The model in use was trained on the corpus plus the corrections made before it (none for the committed file).
  const inUseThrough = trainedThroughOf(inUse?.metrics);
  const inUseCorrections = inUseThrough === null ? [] : corrections.filter((correction) => correction.createdAt <= inUseThrough);

  // The corrections in use are some of all corrections: one read of the corrected issues serves both sets.
  const issues = await issuesOf(deps.store, finalCorrections(corrections).values());
  const next = trainingSetOf(corpus, corrections, issues, topics);
  const previousSet = trainingSetOf(corpus, inUseCorrections, issues, topics);
  // Seconds of CPU: off the event loop, so webhook acknowledgements are never held up by it.
  const result = await trainOffThread({ examples: next.examples, previousExamples: previousSet.examples, kb, folds, options });
  if (result.kind === 'unchanged') return result;
  const { model, reports } = result;
  const figures = figuresOf(reports.candidate, { corrections: next.corrections, folds });
  const previousFigures = figuresOf(reports.current, { corrections: previousSet.corrections, folds });
  const promoted = shouldPromote(figures, previousFigures);

  if (!inUse) {
    await deps.store.saveModelVersion(
      { version: kb.model.version, createdAt: deps.now().toISOString(), trainingSize: kb.model.training.examples, metrics: { ...previousFigures, trainedThrough: null }, current: true },
      JSON.stringify(kb.model),
    );
  }
  await deps.store.saveModelVersion(
    { version: model.version, createdAt: deps.now().toISOString(), trainingSize: next.examples.length, metrics: { ...figures, trainedThrough: latestCorrectionAt(corrections), comparedWith: { version: kb.model.version, ...previousFigures } }, current: promoted },
    JSON.stringify(model),
  );
  if (promoted) deps.setKnowledge({ ...kb, model });
  deps.logger.info(
    { version: model.version, previous: kb.model.version, promoted, examples: next.examples.length, corrections: next.corrections, macroF1: figures.macroF1, previousMacroF1: previousFigures.macroF1 },
    promoted ? 'retrained model is now current' : 'retrained model kept aside: worse than the current one on the same held-out folds',
  );
  return { kind: 'trained', model, figures, promoted, previous: { version: kb.model.version, figures: previousFigures } };
}
