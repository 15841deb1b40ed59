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

/**
 * The index as it stood at the last clean shutdown, when the store still holds exactly those
 * issues (same fingerprint); otherwise a rebuild from the store. A snapshot loads several times
 * faster than re-tokenizing every issue.
 */
export async function loadSimilarIndex(store: Pick<Store, 'listIssues' | 'issueFingerprint'>, file: string, logger: Logger): Promise<{ index: SimilarIssueIndex; source: 'snapshot' | 'store' }> {
  const fingerprint = await store.issueFingerprint();
  try {
    const meta = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as SnapshotMeta;
    if (meta.fingerprint === fingerprint) {
      const bytes = fs.readFileSync(file);
      if (bytes.length === meta.bytes) return { index: SimilarIssueIndex.fromSnapshot(bytes), source: 'snapshot' };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ err: error }, 'similar-issue snapshot unusable; rebuilding from the store');
  }
  return { index: await rebuildFromStore(store), source: 'store' };
}

/** Writes the snapshot and, last, its fingerprint: a half-written snapshot is never taken for a whole one. */
export async function saveSimilarIndex(index: SimilarIssueIndex, store: Pick<Store, 'issueFingerprint'>, file: string): Promise<void> {
  const fingerprint = await store.issueFingerprint();
  const bytes = index.toSnapshot();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(`${file}.json`, { force: true });
  fs.writeFileSync(`${file}.tmp`, bytes);
  fs.renameSync(`${file}.tmp`, file);
  const meta: SnapshotMeta = { fingerprint, bytes: bytes.length };
  fs.writeFileSync(`${file}.json`, JSON.stringify(meta));
}
