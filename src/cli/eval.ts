import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { naturalBayesBaseline, naturalTfIdfBaseline } from '../classify/baselines.js';
import { nearestNeighbours } from '../classify/knn.js';
import {
  crossValidate,
  evaluationSeed,
  holdOutPredictions,
  primaryTopicFolds,
  type ClassifierFactory,
} from '../classify/cross-validate.js';
import { evaluatePredictions, riskCoverage, type EvaluationReport, type ScoredPrediction } from '../classify/evaluate.js';
import { modelFactory } from '../classify/model-factory.js';
import { loadKnowledgeBase, loadKnowledgeBaseDefinition, readExamples, type Example } from '../classify/index.js';
import { defaultKbDir, defaultTrainingFiles } from './corpus-paths.js';
import { modelVariants } from './eval-variants.js';
import { evaluationFile } from '../classify/knowledge-base.js';
import { DEFAULT_SIMILARITY_FLOOR, measureSimilarityFloor } from '../similar/index.js';
import { figuresOf } from '../training/promotion.js';

interface EvalOptions {
  train?: string[];
  test?: string;
  folds: number;
  seed: number;
  json?: boolean;
  kb: string;
  compare?: boolean;
  save?: boolean;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`.padStart(6);
}

function summaryRow(name: string, report: EvaluationReport): string {
  return (
    `| ${name} | ${percent(report.accuracy)} | ${percent(report.macroF1)} | ${percent(report.top3)} | ` +
    `${percent(report.abstentionRate)} | ${percent(report.selectiveAccuracy)} |`
  );
}

const summaryHeader = ['| model | accuracy | macro-F1 | top-3 | abstained | selective accuracy |', '|---|---|---|---|---|---|'];

function detailLines(report: EvaluationReport, topics: string[]): string[] {
  const width = Math.max(...topics.map((topic) => topic.length));
  const lines = [`${'topic'.padEnd(width)}  precision  recall     F1  support`];
  for (const topic of topics) {
    const metrics = report.perTopic[topic];
    lines.push(
      `${topic.padEnd(width)}  ${percent(metrics.precision).padStart(9)}  ${percent(metrics.recall)} ${percent(metrics.f1)}  ${String(metrics.support).padStart(7)}`,
    );
  }
  lines.push('', 'confusion (rows gold, columns predicted):');
  const short = topics.map((topic) => topic.slice(0, 6));
  lines.push(`${''.padEnd(width)} ${short.map((name) => name.padStart(6)).join(' ')}`);
  for (const gold of topics) {
    lines.push(`${gold.padEnd(width)} ${topics.map((predicted) => String(report.confusion[gold][predicted]).padStart(6)).join(' ')}`);
  }
  return lines;
}

/** Abstention levels of the risk–coverage table. */
const riskCoverageLevels = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];

function riskCoverageLines(predictions: ScoredPrediction[], abstainTopic: string): string[] {
  const lines = [
    'risk–coverage of the held-out confidence (descriptive: the cut-off is set on the test folds themselves):',
    '| abstained | labelled | selective accuracy |',
    '|---|---|---|',
  ];
  for (const point of riskCoverage(predictions, abstainTopic, riskCoverageLevels)) {
    lines.push(`| ${percent(point.abstention)} | ${String(point.labelled).padStart(8)} | ${percent(point.selectiveAccuracy)} |`);
  }
  return lines;
}

/** Held-out predictions of a classifier: K-fold CV on the training data, or train/test when a test file is given. */
function heldOut(training: Example[], test: Example[] | null, folds: number[], factory: ClassifierFactory) {
  return test ? holdOutPredictions(training, test, factory) : crossValidate(training, folds, factory);
}

/** `supportbot eval`: held-out quality of the model and of natural's baselines on the same folds. */
function runEvaluation(options: EvalOptions, print: (line: string) => void): void {
  const kb = loadKnowledgeBaseDefinition(options.kb);
  const topics = kb.topics.map((topic) => topic.slug);
  const training = (options.train ?? defaultTrainingFiles()).flatMap((file) => readExamples(file));
  const test = options.test ? readExamples(options.test) : null;
  const folds = primaryTopicFolds(training, options.folds, options.seed);
  const score = (factory: ClassifierFactory) => evaluatePredictions(heldOut(training, test, folds, factory), topics, kb.abstainTopic);

  const predictions = heldOut(training, test, folds, modelFactory(kb));
  const report = evaluatePredictions(predictions, topics, kb.abstainTopic);
  const similarity = measureSimilarityFloor(test ?? training);
  const similarIssues = {
    floor: similarity.floor,
    shippedFloor: DEFAULT_SIMILARITY_FLOOR,
    precision: similarity.precision,
    strictPrecision: similarity.strictPrecision,
    recall: similarity.recall,
    sameProblemPairs: similarity.positives,
    wordSharingPairs: similarity.negatives,
  };
  if (options.save) saveEvaluation(options, report, test !== null);
  if (options.json) {
    const { accuracy, macroF1, top3, abstentionRate, selectiveAccuracy, perTopic } = report;
    print(JSON.stringify({ accuracy, macroF1, top3, abstentionRate, selectiveAccuracy, perTopic, similarIssues }));
    return;
  }
  const setup = test
    ? `trained on ${training.length} examples, tested on ${test.length} (${options.test})`
    : `stratified ${options.folds}-fold cross-validation of ${training.length} examples, fold seed ${options.seed}`;
  print(`# supportbot eval: ${setup}`);
  print('');
  for (const line of detailLines(report, topics)) print(line);
  print('');
  for (const line of summaryHeader) print(line);
  print(summaryRow('supportbot', report));
  print(summaryRow('natural BayesClassifier', score(naturalBayesBaseline(topics, kb.abstainTopic))));
  print(summaryRow('natural TfIdf, one document per topic', score(naturalTfIdfBaseline(topics, kb.abstainTopic))));
  print('');
  for (const line of riskCoverageLines(predictions, kb.abstainTopic)) print(line);
  print('');
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  print(
    `similar issues: measured floor ${similarity.floor.toFixed(3)} (shipped ${DEFAULT_SIMILARITY_FLOOR}): precision ${percent(similarity.precision)} ` +
      `on ${similarity.positives} same-problem and ${similarity.negatives} word-sharing pairs ` +
      `(${percent(similarity.strictPrecision)} if every pair of different questions counts as wrong), recall ${percent(similarity.recall)}`,
  );
  if (options.compare) {
    print('');
    print('variants on the same folds:');
    for (const line of summaryHeader) print(line);
    for (const variant of modelVariants) print(summaryRow(variant.name, score(modelFactory(kb, variant.options))));
    print(summaryRow('shipped features, 10 nearest neighbours (not shippable)', score(nearestNeighbours(topics, kb.abstainTopic))));
  }
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function wholeNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`--seed must be a whole number, not "${value}"`);
  return number;
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 2) throw new Error(`--folds must be a whole number of at least 2, not "${value}"`);
  return number;
}

/** The figures of the committed model, beside it, so the dashboard shows them before any retrain. */
function saveEvaluation(options: EvalOptions, report: EvaluationReport, heldOutFile: boolean): void {
  if (heldOutFile) throw new Error('--save records the cross-validated figures of the training data: use it without --test');
  const { model } = loadKnowledgeBase(options.kb);
  const saved = { modelVersion: model.version, ...figuresOf(report, { corrections: 0, folds: options.folds }), seed: options.seed };
  fs.writeFileSync(path.join(options.kb, evaluationFile), `${JSON.stringify(saved, null, 2)}\n`);
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('measure the classifier on held-out data (K-fold CV, or --test FILE) next to natural baselines')
    .option('--train <file>', 'labelled JSONL training file, repeatable (default: both shared corpus files)', collect)
    .option('--test <file>', 'labelled JSONL test file; without it, stratified K-fold cross-validation')
    .option('--folds <k>', 'number of folds', positiveInteger, 5)
    .option('--seed <n>', 'seed of the fold assignment', wholeNumber, evaluationSeed)
    .option('--kb <dir>', 'knowledge base directory', defaultKbDir)
    .option('--json', 'print one JSON object with the figures and nothing else')
    .option('--compare', 'also measure the model variants recorded in classifiers/README.md')
    .option('--save', "write the cross-validated figures beside the KB's model (evaluation.json), for the dashboard")
    .action((options: EvalOptions) => {
      runEvaluation(options, (line) => process.stdout.write(`${line}\n`));
    });
}
