import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { loadKnowledgeBaseDefinition, readExamples, trainModel } from '../classify/index.js';
import { modelFile } from '../classify/knowledge-base.js';
import { createLogger } from '../log.js';
import { openStoreWithCorrections, trainWithCorrections } from '../training/train-with-store.js';
import { defaultKbDir, defaultTrainingFiles } from './corpus-paths.js';

export { trainModel } from '../classify/index.js';

/** The model as written to disk: stable key order and a trailing newline, so rebuilds diff cleanly. */
export function serializeModel(model: object): string {
  return `${JSON.stringify(model)}\n`;
}

/** `supportbot train`: rebuilds `<kb>/model.json` from labelled JSONL files, deterministically. */
export function trainCommand(): Command {
  return new Command('train')
    .description('rebuild the knowledge base model from labelled examples (same input, same bytes)')
    .option('--data <files...>', 'labelled JSONL files (default: the shared corpus questions and GitHub issues)')
    .option('--kb <dir>', 'knowledge base directory with topics.yml and resources.json', defaultKbDir)
    .option('--no-corrections', "ignore maintainers' corrections in the service's store (DATABASE_URL or DATA_DIR)")
    .action(async (options: { data?: string[]; kb: string; corrections: boolean }) => {
      const started = performance.now();
      const files = options.data ?? defaultTrainingFiles();
      const store = options.corrections ? await openStoreWithCorrections() : null;
      if (store) {
        try {
          const { model, summary } = await trainWithCorrections({ store, kbDir: options.kb, corpusFiles: files, logger: createLogger({ level: 'silent' }) });
          fs.writeFileSync(path.join(options.kb, modelFile), serializeModel(model));
          process.stdout.write(`${path.join(options.kb, modelFile)}: ${model.version}, ${model.training.examples} examples\n${summary}\n`);
        } finally {
          await store.close();
        }
        return;
      }
      const definition = loadKnowledgeBaseDefinition(options.kb);
      const examples = files.flatMap((file) => readExamples(file));
      const model = trainModel(examples, definition);
      const target = path.join(options.kb, modelFile);
      fs.writeFileSync(target, serializeModel(model));
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      process.stdout.write(
        `${target}: ${model.version}, ${model.training.examples} examples + ${model.training.priorDocuments} prior documents, ` +
          `${model.vocabulary.length} terms, ${seconds} s\n`,
      );
    });
}
