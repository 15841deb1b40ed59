import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { rebuildFromStore } from './rebuild.js';
import { SimilarIssueIndex } from './similar-issue-index.js';

interface SnapshotMeta {
  fingerprint: string;
  bytes: number;
}

export interface LoadedSimilarIndex {
  index: SimilarIssueIndex;
  source: 'snapshot' | 'store';
  /** Taken before the read: following the store's issue changes from here misses nothing written meanwhile. */
  changeCursor: number;
}

/**
 * The index as it stood at the last clean shutdown, when the store still holds exactly those
 * issues (same fingerprint); otherwise a rebuild from the store. A snapshot loads several times
 * faster than re-tokenizing every issue.
 */
export async function loadSimilarIndex(
  store: Pick<Store, 'listIssues' | 'issueFingerprint' | 'issueChangeCursor'>,
  file: string,
  logger: Logger,
): Promise<LoadedSimilarIndex> {
  const changeCursor = await store.issueChangeCursor();
  const fingerprint = await store.issueFingerprint();
  try {
    const meta = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as SnapshotMeta;
    if (meta.fingerprint === fingerprint) {
      const bytes = fs.readFileSync(file);
      if (bytes.length === meta.bytes) return { index: SimilarIssueIndex.fromSnapshot(bytes), source: 'snapshot', changeCursor };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ err: error }, 'similar-issue snapshot unusable; rebuilding from the store');
  }
  return { index: await rebuildFromStore(store), source: 'store', changeCursor };
}

/**
 * Writes the snapshot and, last, its fingerprint: a half-written snapshot is never taken for a whole one.
 * `catchUp` runs after the fingerprint is read, so the snapshot holds at least the issues that
 * fingerprint stands for; a change written later alters the fingerprint and the snapshot is not used.
 */
export async function saveSimilarIndex(
  index: SimilarIssueIndex,
  store: Pick<Store, 'issueFingerprint'>,
  file: string,
  catchUp: () => Promise<unknown> = async () => undefined,
): Promise<void> {
  const fingerprint = await store.issueFingerprint();
  await catchUp();
  const bytes = index.toSnapshot();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(`${file}.json`, { force: true });
  fs.writeFileSync(`${file}.tmp`, bytes);
  fs.renameSync(`${file}.tmp`, file);
  const meta: SnapshotMeta = { fingerprint, bytes: bytes.length };
  fs.writeFileSync(`${file}.json`, JSON.stringify(meta));
}
