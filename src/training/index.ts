/** Learning from corrections: the folder's public entry. */
import { makeModelCurrent, watchModelVersions } from './model-sync.js';
import { retrainModel, type RetrainDeps, type RetrainOutcome } from './retrain.js';

export { withStoredModel, syncCurrentModel, makeModelCurrent } from './model-sync.js';
export { retrainModel, readCorpus, TrainingDataMissingError, type RetrainOutcome, type RetrainDeps } from './retrain.js';

export interface ModelKeeper {
  /** One retrain at a time per process: a second request waits for the running one. */
  retrain(): Promise<RetrainOutcome>;
  makeCurrent(version: string): Promise<void>;
  /** Follows the store's current version (and retrains after RETRAIN_AFTER corrections); returns a stop function. */
  watch(intervalMs?: number): () => void;
}

export function createModelKeeper(deps: RetrainDeps & { retrainAfter: number }): ModelKeeper {
  let running: Promise<RetrainOutcome> | null = null;
  const retrain = () => {
    running ??= retrainModel(deps).finally(() => {
      running = null;
    });
    return running;
  };
  return {
    retrain,
    makeCurrent: (version) => makeModelCurrent(deps, version),
    watch: (intervalMs) => watchModelVersions({ ...deps, retrain }, intervalMs),
  };
}
