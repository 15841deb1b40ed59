import { describe, expect, it } from 'vitest';
import { LiveSimilarIndex, SimilarIssueIndex } from '../../src/similar/index.js';
import { issue, issues, repo } from './fixtures.js';

const websocketQuestion = { title: 'WebSocket closes in background', body: 'code 1001 after backgrounding' };

function indexOf(stored: typeof issues): SimilarIssueIndex {
  const index = new SimilarIssueIndex();
  for (const item of stored) index.upsert(item);
  return index;
}

describe('LiveSimilarIndex', () => {
  it('keeps the changes made while a refresh reads the store', async () => {
    const live = new LiveSimilarIndex(indexOf(issues.filter((item) => item.number !== 6)));
    expect(live.query(repo, websocketQuestion, { includePrivate: false }).map((found) => found.number)).toContain(1);
    let finishBuild: (index: SimilarIssueIndex) => void = () => undefined;
    const refreshed = live.refresh(() => new Promise((resolve) => (finishBuild = resolve)));

    // While the refresh reads the store, this worker indexes a new issue and deletes one.
    live.upsert(issue(6, 'WebSocket closes when the app is backgrounded', 'Our WebSocket task is closed with code 1001 in the background.'));
    live.remove(repo, 1);
    expect(await live.refresh(async () => new SimilarIssueIndex())).toBe(false);

    // The store was read before either change: the fresh index still has #1 and lacks #6.
    finishBuild(indexOf(issues.filter((item) => item.number !== 6)));
    expect(await refreshed).toBe(true);
    const numbers = live.query(repo, websocketQuestion, { includePrivate: false, limit: 10 }).map((found) => found.number);
    expect(numbers).toContain(6);
    expect(numbers).not.toContain(1);
  });

  it('keeps serving the current index when a refresh fails', async () => {
    const live = new LiveSimilarIndex(indexOf(issues));
    await expect(live.refresh(async () => Promise.reject(new Error('database went away')))).rejects.toThrow('database went away');
    expect(live.query(repo, websocketQuestion, { includePrivate: false }).length).toBeGreaterThan(0);
    live.upsert(issue(8, 'Another socket question', 'WebSocket code 1001 in background'));
    expect(await live.refresh(async () => indexOf(issues))).toBe(true);
  });
});
