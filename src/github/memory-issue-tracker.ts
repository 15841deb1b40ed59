import { SbError } from '../errors.js';
import type { IssueComment, IssueSnapshot, IssueTracker, LabelSpec, RepoRef } from './issue-tracker.js';

export type TrackerOperation = keyof IssueTracker;

export interface MemoryIssueTracker extends IssueTracker {
  /** Adds or replaces an issue; fields left out get plausible defaults. */
  seedIssue(repo: RepoRef, issue: Partial<IssueSnapshot> & { number: number }): IssueSnapshot;
  /** The issue as it stands now, or undefined. */
  issue(repo: RepoRef, issueNumber: number): IssueSnapshot | undefined;
  comments(repo: RepoRef, issueNumber: number): IssueComment[];
  /** The repository's labels with their colours, in creation order. */
  repoLabels(repo: RepoRef): LabelSpec[];
  setFile(repo: RepoRef, path: string, text: string | null): void;
  /** A label the repository already has, as a maintainer would have made it. */
  seedLabel(repo: RepoRef, label: LabelSpec): void;
  /** A comment someone else wrote. */
  seedComment(repo: RepoRef, issueNumber: number, comment: { body: string; authorLogin: string }): IssueComment;
  /** Makes the next call of `operation` throw `error` (once per queued error), to rehearse failures. */
  failNext(operation: TrackerOperation, error: SbError): void;
}

export interface MemoryIssueTrackerOptions {
  /** Login that authors the comments this tracker creates. */
  botLogin?: string;
  /** Base of the html URLs it makes up. */
  htmlBaseUrl?: string;
  now?: () => Date;
}

interface RepoState {
  issues: Map<number, IssueSnapshot>;
  comments: Map<number, IssueComment[]>;
  /** Keyed by lower-cased name: GitHub label names are case-insensitive. */
  labels: Map<string, LabelSpec>;
  files: Map<string, string>;
}

function repoKey(repo: RepoRef): string {
  return `${repo.owner}/${repo.repo}`.toLowerCase();
}

function copyIssue(issue: IssueSnapshot): IssueSnapshot {
  return { ...issue, labels: [...issue.labels] };
}

/**
 * A stateful stand-in for GitHub: tests act through the IssueTracker port and then assert on
 * the outcome (the issue has the label, there is one comment), not on calls made.
 */
export function createMemoryIssueTracker(options: MemoryIssueTrackerOptions = {}): MemoryIssueTracker {
  const botLogin = options.botLogin ?? 'supportbot[bot]';
  const htmlBaseUrl = (options.htmlBaseUrl ?? 'https://github.com').replace(/\/+$/, '');
  const now = options.now ?? (() => new Date());
  const repos = new Map<string, RepoState>();
  const queuedFailures = new Map<TrackerOperation, SbError[]>();
  let nextCommentId = 1;

  function stateOf(repo: RepoRef): RepoState {
    const key = repoKey(repo);
    let state = repos.get(key);
    if (!state) {
      state = { issues: new Map(), comments: new Map(), labels: new Map(), files: new Map() };
      repos.set(key, state);
    }
    return state;
  }

  function existingIssue(repo: RepoRef, issueNumber: number): IssueSnapshot {
    const issue = repos.get(repoKey(repo))?.issues.get(issueNumber);
    if (!issue) throw new SbError('GITHUB_NOT_FOUND', `issue ${repo.owner}/${repo.repo}#${issueNumber}`, { httpStatus: 404 });
    return issue;
  }

  function takeQueuedFailure(operation: TrackerOperation): void {
    const error = queuedFailures.get(operation)?.shift();
    if (error) throw error;
  }

  function touch(issue: IssueSnapshot): void {
    issue.updatedAt = now().toISOString();
  }

  function appendComment(repo: RepoRef, issueNumber: number, body: string, authorLogin: string): IssueComment {
    const issue = existingIssue(repo, issueNumber);
    const id = nextCommentId++;
    const comment: IssueComment = { id, body, authorLogin, htmlUrl: `${issue.htmlUrl}#issuecomment-${id}` };
    const state = stateOf(repo);
    state.comments.set(issueNumber, [...(state.comments.get(issueNumber) ?? []), comment]);
    touch(issue);
    return { ...comment };
  }

  return {
    async getIssue(repo, issueNumber) {
      takeQueuedFailure('getIssue');
      return copyIssue(existingIssue(repo, issueNumber));
    },

    async listComments(repo, issueNumber) {
      takeQueuedFailure('listComments');
      existingIssue(repo, issueNumber);
      return (stateOf(repo).comments.get(issueNumber) ?? []).map((comment) => ({ ...comment }));
    },

    async createComment(repo, issueNumber, body) {
      takeQueuedFailure('createComment');
      return appendComment(repo, issueNumber, body, botLogin);
    },

    async addLabels(repo, issueNumber, labels) {
      takeQueuedFailure('addLabels');
      const issue = existingIssue(repo, issueNumber);
      const state = stateOf(repo);
      for (const label of labels) {
        const key = label.name.toLowerCase();
        if (!state.labels.has(key)) state.labels.set(key, { ...label, color: label.color.replace(/^#/, '') });
        const name = state.labels.get(key)?.name ?? label.name;
        if (!issue.labels.some((existing) => existing.toLowerCase() === key)) issue.labels.push(name);
      }
      if (labels.length > 0) touch(issue);
    },

    async removeLabel(repo, issueNumber, label) {
      takeQueuedFailure('removeLabel');
      const issue = existingIssue(repo, issueNumber);
      const remaining = issue.labels.filter((existing) => existing.toLowerCase() !== label.toLowerCase());
      if (remaining.length !== issue.labels.length) {
        issue.labels = remaining;
        touch(issue);
      }
    },

    async readRepoFile(repo, path) {
      takeQueuedFailure('readRepoFile');
      return repos.get(repoKey(repo))?.files.get(path) ?? null;
    },

    seedIssue(repo, seed) {
      const createdAt = seed.createdAt ?? now().toISOString();
      const issue: IssueSnapshot = {
        title: `Issue ${seed.number}`,
        body: '',
        state: 'open',
        labels: [],
        authorLogin: 'octocat',
        isPullRequest: false,
        htmlUrl: `${htmlBaseUrl}/${repo.owner}/${repo.repo}/issues/${seed.number}`,
        createdAt,
        updatedAt: createdAt,
        ...seed,
      };
      issue.labels = [...issue.labels];
      stateOf(repo).issues.set(issue.number, issue);
      return copyIssue(issue);
    },

    issue(repo, issueNumber) {
      const issue = repos.get(repoKey(repo))?.issues.get(issueNumber);
      return issue ? copyIssue(issue) : undefined;
    },

    comments(repo, issueNumber) {
      return (repos.get(repoKey(repo))?.comments.get(issueNumber) ?? []).map((comment) => ({ ...comment }));
    },

    repoLabels(repo) {
      return [...(repos.get(repoKey(repo))?.labels.values() ?? [])].map((label) => ({ ...label }));
    },

    setFile(repo, path, text) {
      const files = stateOf(repo).files;
      if (text === null) files.delete(path);
      else files.set(path, text);
    },

    seedLabel(repo, label) {
      stateOf(repo).labels.set(label.name.toLowerCase(), { ...label, color: label.color.replace(/^#/, '') });
    },

    seedComment(repo, issueNumber, comment) {
      return appendComment(repo, issueNumber, comment.body, comment.authorLogin);
    },

    failNext(operation, error) {
      queuedFailures.set(operation, [...(queuedFailures.get(operation) ?? []), error]);
    },
  };
}
