import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** The checkout's root, whether this runs from `test/` or from the compiled `dist/test/`. */
export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

/** `../shared` beside the checkout (or SHARED_DIR), or null when it is absent. */
export function sharedDir(): string | null {
  const dir = process.env.SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');
  return fs.existsSync(path.join(dir, 'corpus', 'questions.jsonl')) ? dir : null;
}

export const sharedMissingMessage = 'skipped: ../shared (the labelled corpus) is not beside this checkout';
