import { z } from 'zod';
import { SbError } from '../errors.js';
import { isAlreadyExists, isLabelNotOnIssue, toSbError } from './github-error.js';
import type { IssueComment, IssueSnapshot, IssueTracker, LabelSpec, RepoRef } from './issue-tracker.js';
import { createGithubClients, type GithubClient, type GithubClientOptions } from './octokit-clients.js';

export type OctokitIssueTrackerOptions = GithubClientOptions;

const userSchema = z.object({ login: z.string() }).nullable().optional();

const issueSchema = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullable().optional(),
  state: z.enum(['open', 'closed']),
  labels: z.array(z.union([z.string(), z.object({ name: z.string().nullable().optional() })])),
  user: userSchema,
  pull_request: z.unknown().optional(),
  html_url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

const commentSchema = z.object({
  id: z.number().int(),
  body: z.string().nullable().optional(),
  user: userSchema,
  html_url: z.string(),
});

const fileSchema = z.object({
  type: z.string(),
  encoding: z.string().optional(),
  content: z.string().optional(),
});

const PAGE_SIZE = 100;
/** A runaway thread (or a misbehaving server) must not keep one job paging forever. */
const MAX_COMMENT_PAGES = 50;

function parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (!result.success) throw new SbError('GITHUB_UNPROCESSABLE', `unexpected ${what} from GitHub: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}

function toComment(data: unknown): IssueComment {
  const comment = parse(commentSchema, data, 'comment');
  return { id: comment.id, body: comment.body ?? '', authorLogin: comment.user?.login ?? 'ghost', htmlUrl: comment.html_url };
}

function hasNextPage(linkHeader: string | undefined): boolean {
  return linkHeader !== undefined && /rel="next"/.test(linkHeader);
}

/** The IssueTracker port over GitHub's REST API, with retries, rate-limit waits and App auth. */
export function createOctokitIssueTracker(options: OctokitIssueTrackerOptions): IssueTracker {
  const clients = createGithubClients(options);
  const logger = options.logger;

  async function call<T>(repo: RepoRef, operation: string, work: (client: GithubClient) => Promise<T>): Promise<T> {
    const client = await clients.forRepo(repo);
    try {
      return await work(client);
    } catch (error) {
      throw toSbError(error, `${operation} in ${repo.owner}/${repo.repo}`);
    }
  }

  async function ensureLabelExists(client: GithubClient, repo: RepoRef, label: LabelSpec): Promise<void> {
    try {
      await client.rest.issues.getLabel({ owner: repo.owner, repo: repo.repo, name: label.name });
      return;
    } catch (error) {
      if ((error as { status?: unknown }).status !== 404) throw error;
    }
    try {
      await client.rest.issues.createLabel({
        owner: repo.owner,
        repo: repo.repo,
        name: label.name,
        color: label.color.replace(/^#/, ''),
        ...(label.description !== undefined ? { description: label.description } : {}),
      });
    } catch (error) {
      // Another worker created it between our look and our create: the outcome we wanted.
      if (!isAlreadyExists(error)) throw error;
    }
  }

  return {
    getIssue(repo, issueNumber) {
      return call(repo, `read issue #${issueNumber}`, async (client): Promise<IssueSnapshot> => {
        const { data } = await client.rest.issues.get({ owner: repo.owner, repo: repo.repo, issue_number: issueNumber });
        const issue = parse(issueSchema, data, 'issue');
        return {
          number: issue.number,
          title: issue.title,
          body: issue.body ?? '',
          state: issue.state,
          labels: issue.labels.map((label) => (typeof label === 'string' ? label : label.name ?? '')).filter((name) => name !== ''),
          authorLogin: issue.user?.login ?? 'ghost',
          isPullRequest: issue.pull_request !== undefined && issue.pull_request !== null,
          htmlUrl: issue.html_url,
          createdAt: issue.created_at,
          updatedAt: issue.updated_at,
        };
      });
    },

    listComments(repo, issueNumber) {
      return call(repo, `list comments of #${issueNumber}`, async (client) => {
        const comments: IssueComment[] = [];
        for (let page = 1; page <= MAX_COMMENT_PAGES; page += 1) {
          const response = await client.rest.issues.listComments({
            owner: repo.owner,
            repo: repo.repo,
            issue_number: issueNumber,
            per_page: PAGE_SIZE,
            page,
          });
          comments.push(...response.data.map(toComment));
          if (!hasNextPage(response.headers.link)) return comments;
        }
        logger.warn({ repo: `${repo.owner}/${repo.repo}`, issue: issueNumber, listed: comments.length }, 'comment thread longer than we page through; later comments not read');
        return comments;
      });
    },

    createComment(repo, issueNumber, body) {
      return call(repo, `comment on #${issueNumber}`, async (client) => {
        const { data } = await client.rest.issues.createComment({ owner: repo.owner, repo: repo.repo, issue_number: issueNumber, body });
        return toComment(data);
      });
    },

    addLabels(repo, issueNumber, labels) {
      return call(repo, `label #${issueNumber}`, async (client) => {
        if (labels.length === 0) return;
        for (const label of labels) await ensureLabelExists(client, repo, label);
        await client.rest.issues.addLabels({
          owner: repo.owner,
          repo: repo.repo,
          issue_number: issueNumber,
          labels: labels.map((label) => label.name),
        });
      });
    },

    removeLabel(repo, issueNumber, label) {
      return call(repo, `remove label from #${issueNumber}`, async (client) => {
        try {
          await client.rest.issues.removeLabel({ owner: repo.owner, repo: repo.repo, issue_number: issueNumber, name: label });
        } catch (error) {
          // Already gone is the state we wanted; a missing issue or repository still fails.
          if (!isLabelNotOnIssue(error)) throw error;
        }
      });
    },

    readRepoFile(repo, path) {
      return call(repo, `read ${path}`, async (client) => {
        let data: unknown;
        try {
          ({ data } = await client.rest.repos.getContent({ owner: repo.owner, repo: repo.repo, path }));
        } catch (error) {
          if ((error as { status?: unknown }).status === 404) return null;
          throw error;
        }
        // A directory answers with an array; a symlink or submodule is not a file we can read.
        if (Array.isArray(data)) return null;
        const file = parse(fileSchema, data, 'file');
        if (file.type !== 'file') return null;
        if (file.encoding !== 'base64' || file.content === undefined) {
          // GitHub omits the content of files over 1 MB; no config file is that big.
          throw new SbError('GITHUB_UNPROCESSABLE', `${path} is too large to read through the contents API`);
        }
        return Buffer.from(file.content, 'base64').toString('utf8');
      });
    },
  };
}
