import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/classify/index.js';
import { createRepoSettingsCache } from '../../src/config/repo-settings-cache.js';
import { createDryRunTracker } from '../../src/github/dry-run-tracker.js';
import { createMemoryIssueTracker, type MemoryIssueTracker } from '../../src/github/memory-issue-tracker.js';
import { createLogger } from '../../src/log.js';
import { SimilarIssueIndex } from '../../src/similar/index.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import type { IssueEventJob } from '../../src/triage/events.js';
import { handleIssueEvent, type TriageDeps } from '../../src/triage/handle-issue-event.js';
import { loadReplyTemplate } from '../../src/triage/load-reply-template.js';
import { hasReplyMarker, isReplyTo, replyMarker } from '../../src/triage/render-reply.js';
import { repoRoot } from '../support/shared-dir.js';

const kb = loadKnowledgeBase(path.join(repoRoot, 'classifiers', 'networking'));
const replyTemplate = loadReplyTemplate(path.join(repoRoot, 'templates'));
const repoRef = { owner: 'acme', repo: 'support' };
const question = {
  title: 'Background URLSession download never completes',
  body: 'On iOS 18.3 a background URLSession download task stays at 0 bytes and the delegate never gets didFinishDownloadingTo. Error -1001 appears after ten minutes. ```swift\nlet task = session.downloadTask(with: url)\ntask.resume()\n```',
};

function job(action: IssueEventJob['action'], overrides: Partial<IssueEventJob> = {}, issue: Partial<IssueEventJob['issue']> = {}): IssueEventJob {
  return {
    deliveryId: `d-${action}-${Math.random()}`,
    action,
    receivedAt: new Date().toISOString(),
    installationId: null,
    repo: { owner: 'acme', name: 'support', fullName: 'acme/support', private: false },
    issue: {
      number: 1,
      ...question,
      state: 'open',
      stateReason: null,
      labels: [],
      authorLogin: 'asker',
      htmlUrl: 'https://github.com/acme/support/issues/1',
      comments: 0,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      ...issue,
    },
    sender: { login: 'asker', type: 'User' },
    label: null,
    ...overrides,
  };
}

describe('handleIssueEvent', () => {
  let tracker: MemoryIssueTracker;
  let store: Store;
  let similar: SimilarIssueIndex;
  let deps: TriageDeps;
  const logger = createLogger({ level: 'silent' });

  beforeEach(() => {
    tracker = createMemoryIssueTracker();
    tracker.seedIssue(repoRef, { number: 1, ...question, authorLogin: 'asker' });
    store = createSqliteStore({ file: ':memory:' });
    similar = new SimilarIssueIndex();
    deps = {
      trackerFor: () => tracker,
      store,
      knowledge: () => kb,
      similar,
      replyTemplate,
      repoSettings: (repo, reader) => createRepoSettingsCache({ knownTopics: () => kb.topics.map((t) => t.slug), store, logger }).get(repo, reader),
      dryRun: false,
      now: () => new Date(),
      logger,
    };
  });

  const replies = () => tracker.comments(repoRef, 1).filter((comment) => hasReplyMarker(comment.body));
  const replyOnIssue = (issueNumber: number) => `Try the URLSession background guide.\n\n${replyMarker('acme/support', issueNumber)}`;

  it('labels, replies once and records the decision', async () => {
    const outcome = await handleIssueEvent(deps, job('opened'));
    expect(outcome).toMatchObject({ outcome: 'triaged', replied: true, decision: { topic: 'urlsession', replyState: 'posted' } });
    expect(tracker.issue(repoRef, 1)?.labels).toContain('topic: URLSession');
    expect(replies()).toHaveLength(1);
  });

  it('still replies when a comment quotes the reply of another issue, marker and all', async () => {
    tracker.seedComment(repoRef, 1, { body: `Same as this answer:\n\n${replyOnIssue(2)}`, authorLogin: 'helpful-user' });
    const outcome = await handleIssueEvent(deps, job('opened'));
    expect(outcome).toMatchObject({ outcome: 'triaged', replied: true });
    expect(tracker.comments(repoRef, 1).filter((comment) => isReplyTo(comment.body, 'acme/support', 1))).toHaveLength(1);
  });

  it('re-triages on edit only while it has not replied', async () => {
    await handleIssueEvent(deps, job('opened'));
    const edited = await handleIssueEvent(deps, job('edited', {}, { title: 'Now about Wi-Fi SSID instead' }));
    expect(edited).toEqual({ outcome: 'skipped', reason: 'the bot already replied on this issue' });
    expect(replies()).toHaveLength(1);
  });

  it('re-triages an edited issue that it has not replied to (review mode), keeping one decision row', async () => {
    tracker.setFile(repoRef, '.github/supportbot.yml', 'mode: review\n');
    const first = await handleIssueEvent(deps, job('opened'));
    expect(first).toMatchObject({ outcome: 'triaged', replied: false, decision: { replyState: 'pending-review', mode: 'review' } });
    const edited = await handleIssueEvent(deps, job('edited'));
    expect(edited).toMatchObject({ outcome: 'triaged' });
    expect((await store.listDecisions({})).total).toBe(1);
    expect(replies()).toHaveLength(0);
  });

  it('does not triage a reopened issue twice', async () => {
    await handleIssueEvent(deps, job('opened'));
    expect(await handleIssueEvent(deps, job('reopened'))).toMatchObject({ outcome: 'skipped' });
  });

  it('keeps the similar-issue index in step with closes, deletes and transfers', async () => {
    await handleIssueEvent(deps, job('closed', {}, { number: 5, state: 'closed', stateReason: 'completed', comments: 2 }));
    expect(similar.query('acme/support', question, { includePrivate: false })).toMatchObject([{ number: 5, answered: true }]);
    expect(similar.query('acme/support', question, { includePrivate: false, excludeNumber: 5 })).toEqual([]);
    await handleIssueEvent(deps, job('deleted', {}, { number: 5 }));
    expect(similar.query('acme/support', question, { includePrivate: false })).toEqual([]);
    expect(await store.listIssues({ repo: 'acme/support', limit: 10 })).toEqual([]);

    await handleIssueEvent(deps, job('closed', {}, { number: 6, state: 'closed', stateReason: 'completed', comments: 1 }));
    expect(similar.query('acme/support', question, { includePrivate: false })).toMatchObject([{ number: 6 }]);
    await handleIssueEvent(deps, job('transferred', {}, { number: 6 }));
    expect(similar.query('acme/support', question, { includePrivate: false })).toEqual([]);
    expect(await store.listIssues({ repo: 'acme/support', limit: 10 })).toEqual([]);
  });

  it('records a replaced topic label as one correction and ignores its own label', async () => {
    await handleIssueEvent(deps, job('opened'));
    const maintainer = { login: 'maintainer', type: 'User' };
    expect(await handleIssueEvent(deps, job('labeled', { label: 'topic: URLSession', sender: maintainer }))).toMatchObject({ outcome: 'skipped' });
    const labels = ['topic: TLS and security'];
    const unlabeled = await handleIssueEvent(deps, job('unlabeled', { label: 'topic: URLSession', sender: maintainer }, { labels }));
    expect(unlabeled).toEqual({ outcome: 'correction', fromTopic: 'urlsession', toTopic: 'tls-security' });
    const labeled = await handleIssueEvent(deps, job('labeled', { label: 'topic: TLS and security', sender: maintainer }, { labels }));
    expect(labeled).toMatchObject({ outcome: 'skipped', reason: 'the label matches the current topic' });
    expect(await store.listCorrections()).toHaveLength(1);
    expect((await store.getDecisionForIssue('acme/support', 1))?.correctedTopic).toBe('tls-security');
  });

  it('in dry-run writes nothing to GitHub and records what it would have posted', async () => {
    const lines: string[] = [];
    const dryLogger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    const outcome = await handleIssueEvent(
      { ...deps, dryRun: true, logger: dryLogger, trackerFor: () => createDryRunTracker({ reader: tracker, snapshot: tracker.issue(repoRef, 1)!, logger: dryLogger }) },
      job('opened'),
    );
    expect(outcome).toMatchObject({ outcome: 'triaged', decision: { mode: 'dry-run', replyState: 'dry-run' } });
    expect(tracker.comments(repoRef, 1)).toEqual([]);
    expect(tracker.issue(repoRef, 1)?.labels).toEqual([]);
    expect(lines.some((line) => line.includes('dry-run: would post this reply'))).toBe(true);
  });

  it('leaves an issue a human already labelled with a topic alone', async () => {
    tracker.seedIssue(repoRef, { number: 1, ...question, labels: ['topic: Wi-Fi'] });
    expect(await handleIssueEvent(deps, job('opened'))).toEqual({ outcome: 'skipped', reason: 'already has a topic label' });
    expect(replies()).toHaveLength(0);
  });
});
