import type { Logger } from '../log.js';
import type { IssueComment, IssueSnapshot, IssueTracker, LabelSpec, RepoRef } from './issue-tracker.js';

/**
 * Dry-run as an adapter: reads go to GitHub when credentials exist (or come from the webhook
 * payload when they do not); writes are logged and kept in memory, never sent.
 */
export function createDryRunTracker(options: { reader: IssueTracker | null; snapshot: IssueSnapshot; logger: Logger }): IssueTracker {
  const { reader, snapshot, logger } = options;
  const comments: IssueComment[] = [];
  const labels = new Set(snapshot.labels);

  return {
    async getIssue(repo: RepoRef, issueNumber: number): Promise<IssueSnapshot> {
      const issue = reader ? await reader.getIssue(repo, issueNumber) : snapshot;
      return { ...issue, labels: [...new Set([...issue.labels, ...labels])] };
    },
    async listComments(repo: RepoRef, issueNumber: number): Promise<IssueComment[]> {
      const existing = reader ? await reader.listComments(repo, issueNumber) : [];
      return [...existing, ...comments];
    },
    async createComment(repo: RepoRef, issueNumber: number, body: string): Promise<IssueComment> {
      logger.info({ dryRun: true, repo: `${repo.owner}/${repo.repo}`, issue: issueNumber, reply: body }, 'dry-run: would post this reply');
      const comment: IssueComment = { id: -(comments.length + 1), body, authorLogin: 'supportbot[dry-run]', htmlUrl: `${snapshot.htmlUrl}#dry-run` };
      comments.push(comment);
      return comment;
    },
    async addLabels(repo: RepoRef, issueNumber: number, add: LabelSpec[]): Promise<void> {
      logger.info({ dryRun: true, repo: `${repo.owner}/${repo.repo}`, issue: issueNumber, labels: add.map((label) => label.name) }, 'dry-run: would add labels');
      for (const label of add) labels.add(label.name);
    },
    async removeLabel(repo: RepoRef, issueNumber: number, label: string): Promise<void> {
      logger.info({ dryRun: true, repo: `${repo.owner}/${repo.repo}`, issue: issueNumber, label }, 'dry-run: would remove label');
      labels.delete(label);
    },
    async readRepoFile(repo: RepoRef, path: string): Promise<string | null> {
      return reader ? reader.readRepoFile(repo, path) : null;
    },
  };
}
