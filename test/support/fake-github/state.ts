/**
 * What the fake GitHub knows: repositories with their issues, labels, comments and files, and
 * the installation tokens it has issued. Plain data plus the few rules GitHub enforces
 * (label names are unique ignoring case, issue numbers are per repository).
 */

export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface FakeComment {
  id: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  user: string;
  state: 'open' | 'closed';
  /** Label names as shown on the issue. */
  labels: string[];
  isPullRequest: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  comments: FakeComment[];
}

export interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  installationId: number;
  defaultBranch: string;
  issues: Map<number, FakeIssue>;
  /** Keyed by lower-cased name. */
  labels: Map<string, FakeLabel>;
  files: Map<string, string>;
  nextIssueNumber: number;
}

export interface NewIssue {
  number?: number;
  title: string;
  body?: string | null;
  user?: string;
  labels?: string[];
  state?: 'open' | 'closed';
  isPullRequest?: boolean;
  createdAt?: string;
}

/** JSON-friendly view for `GET /__fake/state` and test assertions. */
export interface FakeStateSnapshot {
  repos: Array<{
    owner: string;
    name: string;
    private: boolean;
    installationId: number;
    labels: Array<{ name: string; color: string; description: string | null }>;
    issues: Array<{ number: number; title: string; state: string; labels: string[]; comments: Array<{ id: number; user: string; body: string }> }>;
  }>;
}

/** GitHub's default colour for a label created implicitly by adding it to an issue. */
const IMPLICIT_LABEL_COLOR = 'ededed';

export class FakeGitHubState {
  private readonly repos = new Map<string, FakeRepo>();
  private nextId = 1000;
  /** Installation tokens issued, to the installation each one acts for. */
  readonly installationTokens = new Map<string, number>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  now(): string {
    return this.clock().toISOString();
  }

  newId(): number {
    this.nextId += 1;
    return this.nextId;
  }

  addRepo(owner: string, name: string, options: { private?: boolean; installationId?: number; defaultBranch?: string } = {}): FakeRepo {
    const repo: FakeRepo = {
      id: this.newId(),
      owner,
      name,
      private: options.private ?? false,
      installationId: options.installationId ?? 1,
      defaultBranch: options.defaultBranch ?? 'main',
      issues: new Map(),
      labels: new Map(),
      files: new Map(),
      nextIssueNumber: 1,
    };
    this.repos.set(`${owner}/${name}`.toLowerCase(), repo);
    return repo;
  }

  repo(owner: string, name: string): FakeRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  allRepos(): FakeRepo[] {
    return [...this.repos.values()];
  }

  private requireRepo(owner: string, name: string): FakeRepo {
    const repo = this.repo(owner, name);
    if (!repo) throw new Error(`fake GitHub has no repository ${owner}/${name}; call addRepo first`);
    return repo;
  }

  addIssue(owner: string, name: string, seed: NewIssue): FakeIssue {
    const repo = this.requireRepo(owner, name);
    const number = seed.number ?? repo.nextIssueNumber;
    repo.nextIssueNumber = Math.max(repo.nextIssueNumber, number + 1);
    const createdAt = seed.createdAt ?? this.now();
    const issue: FakeIssue = {
      id: this.newId(),
      number,
      title: seed.title,
      body: seed.body ?? null,
      user: seed.user ?? 'octocat',
      state: seed.state ?? 'open',
      labels: [],
      isPullRequest: seed.isPullRequest ?? false,
      createdAt,
      updatedAt: createdAt,
      closedAt: seed.state === 'closed' ? createdAt : null,
      comments: [],
    };
    repo.issues.set(number, issue);
    for (const label of seed.labels ?? []) this.labelIssue(repo, issue, label);
    return issue;
  }

  addLabel(owner: string, name: string, label: { name: string; color?: string; description?: string | null }): FakeLabel {
    const repo = this.requireRepo(owner, name);
    const created: FakeLabel = { id: this.newId(), name: label.name, color: (label.color ?? IMPLICIT_LABEL_COLOR).toLowerCase(), description: label.description ?? null };
    repo.labels.set(label.name.toLowerCase(), created);
    return created;
  }

  addComment(owner: string, name: string, issueNumber: number, comment: { body: string; user?: string }): FakeComment {
    const issue = this.issue(owner, name, issueNumber);
    if (!issue) throw new Error(`fake GitHub has no issue ${owner}/${name}#${issueNumber}`);
    const at = this.now();
    const created: FakeComment = { id: this.newId(), body: comment.body, user: comment.user ?? 'octocat', createdAt: at, updatedAt: at };
    issue.comments.push(created);
    issue.updatedAt = at;
    return created;
  }

  setFile(owner: string, name: string, path: string, text: string | null): void {
    const files = this.requireRepo(owner, name).files;
    if (text === null) files.delete(path);
    else files.set(path, text);
  }

  issue(owner: string, name: string, issueNumber: number): FakeIssue | undefined {
    return this.repo(owner, name)?.issues.get(issueNumber);
  }

  comments(owner: string, name: string, issueNumber: number): FakeComment[] {
    return this.issue(owner, name, issueNumber)?.comments ?? [];
  }

  labels(owner: string, name: string): FakeLabel[] {
    return [...(this.repo(owner, name)?.labels.values() ?? [])];
  }

  /** Puts a label on an issue, creating it in the repository (default colour) when new, as GitHub does. */
  labelIssue(repo: FakeRepo, issue: FakeIssue, labelName: string): void {
    let label = repo.labels.get(labelName.toLowerCase());
    if (!label) label = this.addLabel(repo.owner, repo.name, { name: labelName });
    if (!issue.labels.some((name) => name.toLowerCase() === label.name.toLowerCase())) issue.labels.push(label.name);
  }

  snapshot(): FakeStateSnapshot {
    return {
      repos: this.allRepos().map((repo) => ({
        owner: repo.owner,
        name: repo.name,
        private: repo.private,
        installationId: repo.installationId,
        labels: [...repo.labels.values()].map(({ name, color, description }) => ({ name, color, description })),
        issues: [...repo.issues.values()].map((issue) => ({
          number: issue.number,
          title: issue.title,
          state: issue.state,
          labels: [...issue.labels],
          comments: issue.comments.map(({ id, user, body }) => ({ id, user, body })),
        })),
      })),
    };
  }
}
