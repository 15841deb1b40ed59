import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { SimilarIssueIndex } from './similar-issue-index.js';

export interface IssueChangeFollower {
  /** Applies what changed since the last catch-up; resolves to how many changes it applied. */
  catchUp(): Promise<number>;
  /** Stops polling and waits for a catch-up in progress. */
  stop(): Promise<void>;
}

/**
 * Keeps a worker's index in step with issues that other processes write to the shared store:
 * the other workers on PostgreSQL, or a `backfill` run beside the service. Each change is applied
 * as the issue is now (or removed once deleted), so a change seen twice or out of order is harmless.
 *
 * `cursor` must come from `store.issueChangeCursor()` taken before the index was loaded.
 */
export function followIssueChanges(options: {
  store: Pick<Store, 'issueChangesSince'>;
  index: Pick<SimilarIssueIndex, 'upsert' | 'remove'>;
  cursor: number;
  intervalMs: number;
  logger: Logger;
}): IssueChangeFollower {
  let cursor = options.cursor;
  // Consecutive reads overlap: a change already applied, same stamp, is not tokenized again.
  const applied = new Map<string, number>();
  let running: Promise<number> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const catchUp = (): Promise<number> => {
    running ??= (async () => {
      try {
        const { changes, cursor: next } = await options.store.issueChangesSince(cursor);
        let count = 0;
        for (const change of changes) {
          const key = `${change.repo}#${change.number}`;
          if (applied.get(key) === change.changedAtMs) continue;
          if (change.issue) options.index.upsert(change.issue);
          else options.index.remove(change.repo, change.number);
          applied.set(key, change.changedAtMs);
          count++;
        }
        cursor = next;
        // A stamp before the cursor is never read again.
        for (const [key, stamp] of applied) if (stamp < cursor) applied.delete(key);
        if (count > 0) options.logger.debug({ changes: count }, 'similar-issue index: applied issue changes from the store');
        return count;
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      // A failed read keeps the cursor, so the next one covers the same changes.
      catchUp()
        .catch((error: unknown) => options.logger.warn({ err: error }, 'following issue changes failed; retrying at the next poll'))
        .finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    catchUp,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
