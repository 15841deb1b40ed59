import { checkModel, parseModel } from '../classify/knowledge-base.js';
import type { KnowledgeBase } from '../classify/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

/**
 * Keeps every process on the store's current model version: at start, after a rollback, and
 * when another process retrained (each process polls, so no message bus is needed).
 */
export interface ModelSyncDeps {
  store: Store;
  knowledge(): KnowledgeBase;
  setKnowledge(kb: KnowledgeBase): void;
  logger: Logger;
}

/** The knowledge base with the store's current model, or unchanged when the store has none. */
export async function withStoredModel(store: Store, kb: KnowledgeBase): Promise<KnowledgeBase> {
  const current = (await store.listModelVersions()).find((version) => version.current);
  if (!current || current.version === kb.model.version) return kb;
  const json = await store.getModelJson(current.version);
  if (json === null) return kb;
  const source = `model version ${current.version} in the store`;
  return { ...kb, model: checkModel(parseModel(json, source), kb, source) };
}

/** Loads the store's current version if it differs from the one in use; true when it switched. */
export async function syncCurrentModel(deps: ModelSyncDeps): Promise<boolean> {
  const before = deps.knowledge();
  const next = await withStoredModel(deps.store, before);
  if (next === before) return false;
  deps.setKnowledge(next);
  deps.logger.info({ from: before.model.version, to: next.model.version }, 'switched to the current model version from the store');
  return true;
}

/** Rollback (or roll forward): makes a stored version current here and, through polling, everywhere. */
export async function makeModelCurrent(deps: ModelSyncDeps, version: string): Promise<void> {
  if ((await deps.store.getModelJson(version)) === null) throw new Error(`no model version ${version} in the store`);
  await deps.store.setCurrentModel(version);
  await syncCurrentModel(deps);
}

/**
 * Polls the store every `intervalMs`; with `retrainAfter` > 0, also retrains once that many
 * corrections arrived since the current version was made. Returns a function that stops it.
 */
export function watchModelVersions(
  deps: ModelSyncDeps & { retrainAfter: number; retrain(): Promise<unknown>; now(): Date },
  intervalMs = 60_000,
): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await syncCurrentModel(deps);
      if (
        deps.retrainAfter > 0 &&
        (await correctionsSinceLastTraining(deps.store)) >= deps.retrainAfter &&
        (await takeRetrainLease(deps.store, deps.now()))
      ) {
        deps.logger.info({ retrainAfter: deps.retrainAfter }, 'enough new corrections: retraining');
        await deps.retrain();
      }
    } catch (error) {
      deps.logger.warn({ err: error }, 'model version check failed; will try again');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Corrections recorded after the newest version was trained, promoted or not (all of them when
 * none is stored): a candidate kept aside must not be retrained again on the same corrections.
 */
export async function correctionsSinceLastTraining(store: Store): Promise<number> {
  const [newest] = await store.listModelVersions();
  return (await store.listCorrections(newest ? { since: newest.createdAt } : {})).length;
}

const retrainLeaseKey = 'retrain-started-at';
const retrainLeaseMs = 15 * 60_000;

/** Several processes poll: the first to take the lease retrains, the others skip this round. */
async function takeRetrainLease(store: Store, now: Date): Promise<boolean> {
  const started = await store.getSetting(retrainLeaseKey);
  if (started && now.getTime() - Date.parse(started) < retrainLeaseMs) return false;
  await store.setSetting(retrainLeaseKey, now.toISOString());
  return true;
}
