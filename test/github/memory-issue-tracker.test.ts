import { describe, expect, it } from 'vitest';
import { SbError } from '../../src/errors.js';
import { createMemoryIssueTracker } from '../../src/github/memory-issue-tracker.js';
import { describeIssueTrackerContract } from './issue-tracker-contract.js';

let repoCount = 0;

describeIssueTrackerContract('memory', async () => {
  const tracker = createMemoryIssueTracker();
  return {
    tracker,
    newRepo: () => ({ owner: 'acme', repo: `memory-${++repoCount}` }),
    seedIssue: (repo, issue) => {
      tracker.seedIssue(repo, issue);
    },
    seedComments: async (repo, issueNumber, bodies) => {
      for (const body of bodies) tracker.seedComment(repo, issueNumber, { body, authorLogin: 'someone' });
    },
    seedLabel: (repo, name, color) => tracker.seedLabel(repo, { name, color }),
    setFile: (repo, path, text) => tracker.setFile(repo, path, text),
    issueLabels: (repo, issueNumber) => tracker.issue(repo, issueNumber)?.labels ?? [],
    repoLabels: (repo) => tracker.repoLabels(repo).map(({ name, color }) => ({ name, color })),
    commentBodies: (repo, issueNumber) => tracker.comments(repo, issueNumber).map((comment) => comment.body),
  };
});

describe('memory issue tracker extras', () => {
  const repo = { owner: 'acme', repo: 'extras' };

  it('fails the next call of an operation once, as rehearsed', async () => {
    const tracker = createMemoryIssueTracker();
    tracker.seedIssue(repo, { number: 1, title: 'VPN drops' });
    tracker.failNext('createComment', new SbError('GITHUB_UNAVAILABLE', 'rehearsed'));
    await expect(tracker.createComment(repo, 1, 'first try')).rejects.toMatchObject({ code: 'GITHUB_UNAVAILABLE' });
    await tracker.createComment(repo, 1, 'second try');
    expect(tracker.comments(repo, 1).map((comment) => comment.body)).toEqual(['second try']);
  });

  it('authors its own comments as the bot and hands out copies, not its state', async () => {
    const tracker = createMemoryIssueTracker({ botLogin: 'triage[bot]' });
    tracker.seedIssue(repo, { number: 2, title: 'Bonjour not found', labels: ['bug'] });
    const comment = await tracker.createComment(repo, 2, 'hello');
    expect(comment.authorLogin).toBe('triage[bot]');
    const snapshot = await tracker.getIssue(repo, 2);
    snapshot.labels.push('tampered');
    expect(tracker.issue(repo, 2)?.labels).toEqual(['bug']);
  });

  it('treats label names case-insensitively, as GitHub does', async () => {
    const tracker = createMemoryIssueTracker();
    tracker.seedIssue(repo, { number: 3, title: 'Wi-Fi accessory' });
    await tracker.addLabels(repo, 3, [{ name: 'Topic: WiFi', color: '#00ff00' }]);
    await tracker.addLabels(repo, 3, [{ name: 'topic: wifi', color: '000000' }]);
    expect(tracker.issue(repo, 3)?.labels).toEqual(['Topic: WiFi']);
    expect(tracker.repoLabels(repo)).toEqual([{ name: 'Topic: WiFi', color: '00ff00' }]);
  });
});
