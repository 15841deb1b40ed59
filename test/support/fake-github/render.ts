import type { FakeComment, FakeIssue, FakeLabel, FakeRepo } from './state.js';

/**
 * GitHub-shaped JSON for the fake's state: every field the spec marks required, with the
 * URLs pointing back at the fake so clients that follow them stay local.
 */

export interface RenderContext {
  apiUrl: string;
  /** Where the html_url links point; GitHub's own web host by default. */
  htmlUrl: string;
}

function userId(login: string): number {
  let hash = 7;
  for (const char of login) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_007;
  return hash;
}

export function renderUser(ctx: RenderContext, login: string) {
  const url = `${ctx.apiUrl}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id: userId(login),
    node_id: Buffer.from(`User:${login}`).toString('base64'),
    avatar_url: `${ctx.htmlUrl}/avatars/${encodeURIComponent(login)}`,
    gravatar_id: '',
    url,
    html_url: `${ctx.htmlUrl}/${encodeURIComponent(login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
  };
}

function repoApiUrl(ctx: RenderContext, repo: FakeRepo): string {
  return `${ctx.apiUrl}/repos/${repo.owner}/${repo.name}`;
}

export function renderLabel(ctx: RenderContext, repo: FakeRepo, label: FakeLabel) {
  return {
    id: label.id,
    node_id: Buffer.from(`Label:${label.id}`).toString('base64'),
    url: `${repoApiUrl(ctx, repo)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    description: label.description,
    color: label.color,
    default: false,
  };
}

export function renderIssue(ctx: RenderContext, repo: FakeRepo, issue: FakeIssue) {
  const url = `${repoApiUrl(ctx, repo)}/issues/${issue.number}`;
  const kind = issue.isPullRequest ? 'pull' : 'issues';
  const labels = issue.labels.map((name) => repo.labels.get(name.toLowerCase())).filter((label): label is FakeLabel => label !== undefined);
  return {
    id: issue.id,
    node_id: Buffer.from(`Issue:${issue.id}`).toString('base64'),
    url,
    repository_url: repoApiUrl(ctx, repo),
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${ctx.htmlUrl}/${repo.owner}/${repo.name}/${kind}/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.state === 'closed' ? 'completed' : null,
    title: issue.title,
    body: issue.body,
    user: renderUser(ctx, issue.user),
    labels: labels.map((label) => renderLabel(ctx, repo, label)),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: issue.comments.length,
    ...(issue.isPullRequest
      ? {
          pull_request: {
            url: `${repoApiUrl(ctx, repo)}/pulls/${issue.number}`,
            html_url: `${ctx.htmlUrl}/${repo.owner}/${repo.name}/pull/${issue.number}`,
            diff_url: `${ctx.htmlUrl}/${repo.owner}/${repo.name}/pull/${issue.number}.diff`,
            patch_url: `${ctx.htmlUrl}/${repo.owner}/${repo.name}/pull/${issue.number}.patch`,
          },
        }
      : {}),
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    author_association: 'NONE',
  };
}

export function renderComment(ctx: RenderContext, repo: FakeRepo, issue: FakeIssue, comment: FakeComment) {
  return {
    id: comment.id,
    node_id: Buffer.from(`IssueComment:${comment.id}`).toString('base64'),
    url: `${repoApiUrl(ctx, repo)}/issues/comments/${comment.id}`,
    html_url: `${ctx.htmlUrl}/${repo.owner}/${repo.name}/issues/${issue.number}#issuecomment-${comment.id}`,
    body: comment.body,
    user: renderUser(ctx, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${repoApiUrl(ctx, repo)}/issues/${issue.number}`,
    author_association: 'NONE',
  };
}

/** The contents API wraps base64 at 60 columns, and clients must cope with the newlines. */
function wrappedBase64(text: string): string {
  return (Buffer.from(text, 'utf8').toString('base64').match(/.{1,60}/g) ?? []).join('\n');
}

function gitBlobSha(text: string): string {
  let hash = 0;
  for (const char of text) hash = (hash * 33 + char.charCodeAt(0)) >>> 0;
  return hash.toString(16).padStart(40, '0');
}

export function renderFile(ctx: RenderContext, repo: FakeRepo, path: string, text: string) {
  const sha = gitBlobSha(text);
  const url = `${repoApiUrl(ctx, repo)}/contents/${path}?ref=${repo.defaultBranch}`;
  const htmlUrl = `${ctx.htmlUrl}/${repo.owner}/${repo.name}/blob/${repo.defaultBranch}/${path}`;
  const gitUrl = `${repoApiUrl(ctx, repo)}/git/blobs/${sha}`;
  return {
    type: 'file',
    encoding: 'base64',
    size: Buffer.byteLength(text),
    name: path.split('/').pop() ?? path,
    path,
    content: `${wrappedBase64(text)}\n`,
    sha,
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url: `${ctx.htmlUrl}/raw/${repo.owner}/${repo.name}/${repo.defaultBranch}/${path}`,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}

export function renderDirectoryEntry(ctx: RenderContext, repo: FakeRepo, path: string, type: 'file' | 'dir', text?: string) {
  const sha = gitBlobSha(text ?? path);
  const url = `${repoApiUrl(ctx, repo)}/contents/${path}?ref=${repo.defaultBranch}`;
  const htmlUrl = `${ctx.htmlUrl}/${repo.owner}/${repo.name}/${type === 'dir' ? 'tree' : 'blob'}/${repo.defaultBranch}/${path}`;
  const gitUrl = `${repoApiUrl(ctx, repo)}/git/${type === 'dir' ? 'trees' : 'blobs'}/${sha}`;
  return {
    type,
    size: text === undefined ? 0 : Buffer.byteLength(text),
    name: path.split('/').pop() ?? path,
    path,
    sha,
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url: type === 'file' ? `${ctx.htmlUrl}/raw/${repo.owner}/${repo.name}/${repo.defaultBranch}/${path}` : null,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}

export function renderInstallation(ctx: RenderContext, installationId: number, account: string, appId: number) {
  const now = new Date(0).toISOString();
  return {
    id: installationId,
    account: renderUser(ctx, account),
    repository_selection: 'selected',
    access_tokens_url: `${ctx.apiUrl}/app/installations/${installationId}/access_tokens`,
    repositories_url: `${ctx.apiUrl}/installation/repositories`,
    html_url: `${ctx.htmlUrl}/settings/installations/${installationId}`,
    app_id: appId,
    app_slug: 'supportbot',
    target_id: userId(account),
    target_type: 'Organization',
    permissions: { issues: 'write', contents: 'read', metadata: 'read' },
    events: ['issues', 'issue_comment'],
    created_at: now,
    updated_at: now,
    single_file_name: null,
    suspended_by: null,
    suspended_at: null,
  };
}

/** The fields of GitHub's full repository object that clients read; the rest are not modelled. */
export function renderRepository(ctx: RenderContext, repo: FakeRepo) {
  const openIssues = [...repo.issues.values()].filter((issue) => issue.state === 'open').length;
  return {
    id: repo.id,
    node_id: Buffer.from(`Repository:${repo.id}`).toString('base64'),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    owner: renderUser(ctx, repo.owner),
    html_url: `${ctx.htmlUrl}/${repo.owner}/${repo.name}`,
    url: repoApiUrl(ctx, repo),
    default_branch: repo.defaultBranch,
    has_issues: true,
    open_issues_count: openIssues,
    open_issues: openIssues,
  };
}
