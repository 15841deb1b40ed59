import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SbError } from '../../src/errors.js';
import type { IssueTracker, RepoRef } from '../../src/github/issue-tracker.js';

/**
 * What every IssueTracker must do, asserted on outcomes: after the call, the repository
 * state (read back through the harness) is what GitHub would show.
 */

export interface SeedIssue {
  number: number;
  title: string;
  body: string;
  labels?: string[];
  authorLogin?: string;
  isPullRequest?: boolean;
}

export interface TrackerHarness {
  tracker: IssueTracker;
  /** A repository of its own for each test, so tests cannot see each other's state. */
  newRepo(): RepoRef;
  seedIssue(repo: RepoRef, issue: SeedIssue): void;
  /** Adds comments written by someone else. */
  seedComments(repo: RepoRef, issueNumber: number, bodies: string[]): Promise<void>;
  seedLabel(repo: RepoRef, name: string, color: string): void;
  setFile(repo: RepoRef, path: string, text: string): void;
  issueLabels(repo: RepoRef, issueNumber: number): string[];
  repoLabels(repo: RepoRef): Array<{ name: string; color: string }>;
  commentBodies(repo: RepoRef, issueNumber: number): string[];
}

export function describeIssueTrackerContract(name: string, setUp: () => Promise<TrackerHarness>, tearDown: () => Promise<void> = async () => {}): void {
  describe(`IssueTracker contract: ${name}`, () => {
    let harness: TrackerHarness;
    beforeAll(async () => {
      harness = await setUp();
    });
    afterAll(tearDown);

    function repoWithIssue(issue: Partial<SeedIssue> = {}): RepoRef {
      const repo = harness.newRepo();
      harness.seedIssue(repo, { number: 7, title: 'Socket times out on cellular', body: 'Connection drops after 30 s.', ...issue });
      return repo;
    }

    it('reads an issue as a snapshot', async () => {
      const repo = repoWithIssue({ labels: ['needs-info'], authorLogin: 'appdev' });
      const issue = await harness.tracker.getIssue(repo, 7);
      expect(issue).toMatchObject({
        number: 7,
        title: 'Socket times out on cellular',
        body: 'Connection drops after 30 s.',
        state: 'open',
        labels: ['needs-info'],
        authorLogin: 'appdev',
        isPullRequest: false,
      });
      expect(issue.htmlUrl).toMatch(/\/issues\/7$/);
      expect(Number.isNaN(Date.parse(issue.createdAt))).toBe(false);
    });

    it('tells pull requests apart from issues', async () => {
      const repo = repoWithIssue({ isPullRequest: true });
      expect((await harness.tracker.getIssue(repo, 7)).isPullRequest).toBe(true);
    });

    it('reports a missing issue as GITHUB_NOT_FOUND', async () => {
      const repo = repoWithIssue();
      const failure = await harness.tracker.getIssue(repo, 404).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SbError);
      expect(failure).toMatchObject({ code: 'GITHUB_NOT_FOUND', retryable: false });
    });

    it('creates a missing label with its colour, then puts it on the issue', async () => {
      const repo = repoWithIssue();
      await harness.tracker.addLabels(repo, 7, [{ name: 'topic: tls', color: 'b60205', description: 'TLS and certificates' }]);
      expect(harness.issueLabels(repo, 7)).toEqual(['topic: tls']);
      expect(harness.repoLabels(repo)).toContainEqual({ name: 'topic: tls', color: 'b60205' });
    });

    it('keeps the colour of a label the repository already has and never duplicates it', async () => {
      const repo = repoWithIssue({ labels: ['bug'] });
      harness.seedLabel(repo, 'topic: dns', '0e8a16');
      await harness.tracker.addLabels(repo, 7, [{ name: 'topic: dns', color: 'ffffff' }]);
      await harness.tracker.addLabels(repo, 7, [{ name: 'topic: dns', color: 'ffffff' }]);
      expect(harness.issueLabels(repo, 7)).toEqual(['bug', 'topic: dns']);
      expect(harness.repoLabels(repo).filter((label) => label.name === 'topic: dns')).toEqual([{ name: 'topic: dns', color: '0e8a16' }]);
    });

    it('removes a label, and removing one the issue lacks is not an error', async () => {
      const repo = repoWithIssue({ labels: ['topic: tls', 'bug'] });
      await harness.tracker.removeLabel(repo, 7, 'topic: tls');
      await harness.tracker.removeLabel(repo, 7, 'topic: tls');
      expect(harness.issueLabels(repo, 7)).toEqual(['bug']);
    });

    it('posts exactly one comment and returns it', async () => {
      const repo = repoWithIssue();
      const comment = await harness.tracker.createComment(repo, 7, 'Thanks! Which iOS version?\n<!-- supportbot:decision=1 -->');
      expect(harness.commentBodies(repo, 7)).toEqual(['Thanks! Which iOS version?\n<!-- supportbot:decision=1 -->']);
      expect(comment.body).toBe('Thanks! Which iOS version?\n<!-- supportbot:decision=1 -->');
      expect(comment.id).toBeGreaterThan(0);
      expect(comment.htmlUrl).toContain(`#issuecomment-${comment.id}`);
      const listed = await harness.tracker.listComments(repo, 7);
      expect(listed.map((entry) => entry.id)).toEqual([comment.id]);
    });

    it('lists every comment in order, across pages', async () => {
      const repo = repoWithIssue();
      const bodies = Array.from({ length: 230 }, (_, index) => `comment ${index + 1}`);
      await harness.seedComments(repo, 7, bodies);
      const listed = await harness.tracker.listComments(repo, 7);
      expect(listed.map((comment) => comment.body)).toEqual(bodies);
      expect(new Set(listed.map((comment) => comment.id)).size).toBe(230);
    });

    it('reads a repository file as text, and a missing one as null', async () => {
      const repo = repoWithIssue();
      const text = 'mode: shadow\nthreshold: 0.4\n# café ✓\n' + 'x'.repeat(500);
      harness.setFile(repo, '.github/supportbot.yml', text);
      expect(await harness.tracker.readRepoFile(repo, '.github/supportbot.yml')).toBe(text);
      expect(await harness.tracker.readRepoFile(repo, '.github/absent.yml')).toBeNull();
    });
  });
}
