import fs from 'node:fs';
import path from 'node:path';
import { KnowledgeBaseError, loadKnowledgeBase, loadKnowledgeBaseDefinition, trainModel, type KnowledgeBase, type Model } from '../classify/index.js';
import type { Logger } from '../log.js';
import { openStore } from '../store/index.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { withStoredModel } from './model-sync.js';
import { readCorpus, retrainModel } from './retrain.js';

/**
 * `supportbot train` beside a running deployment: the service's store supplies maintainers'
 * corrections, and the result is recorded as a model version there like a dashboard retrain.
 */

/**
 * The deployment's store when there is one (DATABASE_URL, or the SQLite file in DATA_DIR) and it
 * holds corrections; never creates one. Without corrections, training stays the plain corpus rebuild.
 */
export async function openStoreWithCorrections(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<Store | null> {
  const dataDir = path.resolve(cwd, env.DATA_DIR ?? 'data');
  const file = path.join(dataDir, 'supportbot.db');
  if (!env.DATABASE_URL && !fs.existsSync(file)) return null;
  const store = env.DATABASE_URL ? await openStore({ databaseUrl: env.DATABASE_URL, dataDir }) : createSqliteStore({ file });
  if ((await store.listCorrections()).length > 0) return store;
  await store.close();
  return null;
}

/** The model in use: the store's current version, else the committed file, else one trained now from the corpus. */
function committedKnowledge(kbDir: string, corpusFiles: string[]): KnowledgeBase {
  try {
    return loadKnowledgeBase(kbDir);
  } catch (error) {
    if (!(error instanceof KnowledgeBaseError)) throw error;
    const definition = loadKnowledgeBaseDefinition(kbDir);
    return { ...definition, model: trainModel(readCorpus(corpusFiles), definition) };
  }
}

export async function trainWithCorrections(options: { store: Store; kbDir: string; corpusFiles: string[]; logger: Logger }): Promise<{ model: Model; summary: string }> {
  let kb = await withStoredModel(options.store, committedKnowledge(options.kbDir, options.corpusFiles));
  const outcome = await retrainModel({
    store: options.store,
    knowledge: () => kb,
    setKnowledge: (next) => {
      kb = next;
    },
    corpusFiles: options.corpusFiles,
    now: () => new Date(),
    logger: options.logger,
  });
  if (outcome.kind === 'unchanged') return { model: kb.model, summary: `no new corrections: ${outcome.version} stays current` };
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const verdict = outcome.promoted ? 'now current (running services follow within a minute)' : 'kept aside: the current version is better on the same folds';
  return {
    model: outcome.model,
    summary:
      `store: ${outcome.model.version} with ${outcome.figures.corrections} corrected issues, macro-F1 ${percent(outcome.figures.macroF1)} ` +
      `vs ${percent(outcome.previous.figures.macroF1)} for ${outcome.previous.version}; ${verdict}`,
  };
}
