/**
 * The port through which the bot reads and changes GitHub. Production uses the Octokit
 * adapter; tests and the local demo use the stateful in-memory one.
 */
export interface RepoRef {
  owner: string;
  repo: string;
  /** GitHub App installation that delivered the event; absent with a single-repo token. */
  installationId?: number;
}

export interface IssueSnapshot {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  authorLogin: string;
  isPullRequest: boolean;
  htmlUrl: string;
  createdAt: string;
  updatedAt: string;
}

export interface IssueComment {
  id: number;
  body: string;
  authorLogin: string;
  htmlUrl: string;
}

export interface LabelSpec {
  name: string;
  color: string;
  description?: string;
}

export interface IssueTracker {
  getIssue(repo: RepoRef, issueNumber: number): Promise<IssueSnapshot>;
  listComments(repo: RepoRef, issueNumber: number): Promise<IssueComment[]>;
  createComment(repo: RepoRef, issueNumber: number, body: string): Promise<IssueComment>;
  /** Creates any label the repository lacks (with its colour), then adds them to the issue. */
  addLabels(repo: RepoRef, issueNumber: number, labels: LabelSpec[]): Promise<void>;
  removeLabel(repo: RepoRef, issueNumber: number, label: string): Promise<void>;
  /** A file's text on the default branch, or null when there is none. */
  readRepoFile(repo: RepoRef, path: string): Promise<string | null>;
}
