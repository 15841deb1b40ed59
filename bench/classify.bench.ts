import path from 'node:path';
import { naturalBayesBaseline, naturalTfIdfBaseline } from '../src/classify/baselines.js';
import { classify, defaultCorpusFiles, loadKnowledgeBase, readExamples, trainModel, type Example } from '../src/classify/index.js';
import { repoRoot, sharedDir, sharedMissingMessage } from '../test/support/shared-dir.js';
import { median, round, timeIt, type BenchContext, type BenchResult, type Figure } from './harness.js';

/** Copies of the corpus with each copy's text marked, so the vocabulary grows as it would with real data. */
function replicate(examples: Example[], times: number): Example[] {
  return Array.from({ length: times }, (_, copy) =>
    examples.map((example) => ({ ...example, id: `${example.id ?? ''}-${copy}`, body: copy === 0 ? example.body : `${example.body} batch${copy}` })),
  ).flat();
}

/** Median milliseconds per issue of a classifier function over every example. */
function perIssueMs(examples: Example[], judge: (example: Example) => unknown): number {
  const samples: number[] = [];
  for (const example of examples) {
    const start = process.hrtime.bigint();
    judge(example);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

export async function run(context: BenchContext): Promise<BenchResult> {
  const figures: Record<string, Figure | Record<string, Figure>> = {};
  const kbDir = path.join(repoRoot, 'classifiers', 'networking');
  const load = await timeIt(() => loadKnowledgeBase(kbDir));
  figures.loadKnowledgeBaseMs = round(load.ms, 1);
  context.print(`load knowledge base (model ${load.value.model.version}): ${round(load.ms, 1)} ms`);

  const shared = sharedDir();
  if (!shared) {
    context.print(sharedMissingMessage);
    figures.training = sharedMissingMessage;
    return { name: 'classify', figures };
  }
  const corpus = defaultCorpusFiles(shared).flatMap((file) => readExamples(file));
  const topics = load.value.topics.map((topic) => topic.slug);
  const bayes = naturalBayesBaseline(topics, load.value.abstainTopic);
  const tfidf = naturalTfIdfBaseline(topics, load.value.abstainTopic);

  for (const times of context.quick ? [1] : [1, 10]) {
    const examples = replicate(corpus, times);
    trainModel(corpus.slice(0, 40), load.value);
    const ours = await timeIt(() => trainModel(examples, load.value));
    const bayesTrain = await timeIt(() => bayes(examples));
    const tfidfTrain = await timeIt(() => tfidf(examples));
    const model = ours.value;
    const classifyMs = perIssueMs(corpus, (example) => classify(model, example));
    const bayesMs = perIssueMs(corpus, bayesTrain.value);
    const tfidfMs = perIssueMs(corpus, tfidfTrain.value);
    const size = `${times}x`;
    figures[size] = {
      examples: examples.length,
      vocabulary: model.vocabulary.length,
      trainMs: round(ours.ms, 1),
      classifyMsPerIssue: round(classifyMs, 4),
      naturalBayesTrainMs: round(bayesTrain.ms, 1),
      naturalBayesClassifyMsPerIssue: round(bayesMs, 4),
      naturalTfIdfTrainMs: round(tfidfTrain.ms, 1),
      naturalTfIdfClassifyMsPerIssue: round(tfidfMs, 4),
      trainVsBayes: round(ours.ms / bayesTrain.ms, 2),
      classifyVsBayes: round(classifyMs / bayesMs, 3),
      classifyVsTfIdf: round(classifyMs / tfidfMs, 3),
    };
    context.print(
      `${size} corpus (${examples.length} examples, ${model.vocabulary.length} terms): train ${round(ours.ms, 0)} ms ` +
        `(natural Bayes ${round(bayesTrain.ms, 0)} ms, ratio ${round(ours.ms / bayesTrain.ms, 2)}; TfIdf ${round(tfidfTrain.ms, 0)} ms); ` +
        `classify ${round(classifyMs, 3)} ms/issue (Bayes ${round(bayesMs, 3)}, ratio ${round(classifyMs / bayesMs, 3)}; ` +
        `TfIdf ${round(tfidfMs, 3)}, ratio ${round(classifyMs / tfidfMs, 3)})`,
    );
  }
  figures.targets = { trainUnder2s: (figures['1x'] as Record<string, Figure>).trainMs as number < 2000, classifyUnder1ms: (figures['1x'] as Record<string, Figure>).classifyMsPerIssue as number < 1 };
  return { name: 'classify', figures };
}
