import path from 'node:path';
import { defaultCorpusFiles } from '../classify/index.js';

export const defaultKbDir = 'classifiers/networking';

/** The shared corpus folder: SHARED_DIR, else `../shared` beside the checkout the command runs in. */
export function defaultSharedDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHARED_DIR ?? path.resolve('..', 'shared');
}

export function defaultTrainingFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  return defaultCorpusFiles(defaultSharedDir(env));
}
