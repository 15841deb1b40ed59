import { likelyAnswered, type StoredIssue } from '../store/types.js';
import type { GithubClients } from './octokit-clients.js';
import type { RepoRef } from './issue-tracker.js';
import { toSbError } from './github-error.js';

/** From the first page's `Link: <…&page=N>; rel="last"`: about N full pages (pull requests included). */
function estimateTotal(link: string | undefined, firstPageSize: number): number {
  const last = link ? /[?&]page=(\d+)[^>]*>;\s*rel="last"/.exec(link) : null;
  return last ? Number(last[1]) * 100 : firstPageSize;
}

/**
 * A repository's issues, oldest update first, one page at a time, through the REST API (pull requests
 * skipped). Sorted by update time so a cursor on `updatedAt` resumes an interrupted import.
 */
export async function* listRepoIssues(clients: GithubClients, repo: RepoRef, options: { since?: string } = {}): AsyncGenerator<{ issues: StoredIssue[]; total: number }> {
  const octokit = await clients.forRepo(repo);
  const fullName = `${repo.owner}/${repo.repo}`;
  let isPrivate = false;
  let total: number | undefined;
  try {
    const { data } = await octokit.rest.repos.get({ owner: repo.owner, repo: repo.repo });
    isPrivate = data.private;
  } catch (error) {
    throw toSbError(error, `read ${fullName}`);
  }
  const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    owner: repo.owner,
    repo: repo.repo,
    state: 'all',
    sort: 'updated',
    direction: 'asc',
    per_page: 100,
    ...(options.since ? { since: options.since } : {}),
  });
  try {
    for await (const page of pages) {
      total ??= estimateTotal(page.headers.link, page.data.length);
      yield {
        total,
        issues: page.data
          .filter((item) => !item.pull_request)
          .map((item) => ({
            repo: fullName,
            number: item.number,
            title: item.title,
            body: item.body ?? '',
            state: item.state === 'closed' ? ('closed' as const) : ('open' as const),
            answered: likelyAnswered(item.state, item.state_reason ?? null, item.comments),
            isPrivate,
            url: item.html_url,
            updatedAt: item.updated_at,
          })),
      };
    }
  } catch (error) {
    throw toSbError(error, `list issues of ${fullName}`);
  }
}
