import type { MatchedRoute } from './openapi.js';
import {
  renderComment,
  renderDirectoryEntry,
  renderFile,
  renderInstallation,
  renderIssue,
  renderLabel,
  renderRepository,
  type RenderContext,
} from './render.js';
import type { FakeGitHubState, FakeIssue, FakeRepo } from './state.js';

/**
 * The operations the fake implements, keyed by the spec's operationId. Each takes a request
 * that already passed the spec checks and answers as GitHub would, changing state on writes.
 */

export type Identity =
  | { kind: 'anonymous' }
  | { kind: 'app'; appId: number }
  | { kind: 'installation'; installationId: number; token: string }
  | { kind: 'user'; login: string };

export interface Exchange {
  route: MatchedRoute;
  query: URLSearchParams;
  body: unknown;
  identity: Identity;
  /** The request URL without query, for building page links. */
  selfUrl: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HandlerContext {
  state: FakeGitHubState;
  render: RenderContext;
  appSlug: string;
}

type Handler = (ctx: HandlerContext, exchange: Exchange) => Reply;

const DOCS = 'https://docs.github.com/rest';
/** GitHub refuses longer issue and comment bodies. */
const MAX_BODY_CHARS = 65536;

export const notFound = (message = 'Not Found'): Reply => ({ status: 404, body: { message, documentation_url: DOCS } });

function validationFailed(resource: string, field: string, code: string, message?: string): Reply {
  return {
    status: 422,
    body: { message: message ?? 'Validation Failed', errors: [{ resource, field, code }], documentation_url: DOCS },
  };
}

function unauthorized(message: string): Reply {
  return { status: 401, body: { message, documentation_url: DOCS } };
}

function isWrite(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/** Who authors what this request creates. */
function actorLogin(ctx: HandlerContext, identity: Identity): string {
  if (identity.kind === 'installation') return `${ctx.appSlug}[bot]`;
  if (identity.kind === 'user') return identity.login;
  return 'ghost';
}

/** GitHub answers 404, not 403, for repositories the caller may not see. */
function accessibleRepo(ctx: HandlerContext, exchange: Exchange): FakeRepo | Reply {
  const { owner, repo: name } = exchange.route.params;
  const repo = ctx.state.repo(owner ?? '', name ?? '');
  const identity = exchange.identity;
  if (identity.kind === 'app') return unauthorized('A JSON web token cannot be used to access repository contents; use an installation token');
  if (!repo) return notFound();
  if (identity.kind === 'installation' && identity.installationId !== repo.installationId) return notFound();
  if (identity.kind === 'anonymous') {
    if (repo.private) return notFound();
    if (isWrite(exchange.route.method)) return unauthorized('Requires authentication');
  }
  return repo;
}

function issueIn(repo: FakeRepo, exchange: Exchange): FakeIssue | undefined {
  return repo.issues.get(Number(exchange.route.params.issue_number));
}

function isReply(value: FakeRepo | Reply): value is Reply {
  return 'status' in value;
}

/** Slices a list the way GitHub pages it and writes the Link header clients follow. */
function paginate<T>(items: T[], exchange: Exchange): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(exchange.query.get('per_page') ?? 30)));
  const page = Math.max(1, Number(exchange.query.get('page') ?? 1));
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const linkTo = (target: number) => {
    const query = new URLSearchParams(exchange.query);
    query.set('per_page', String(perPage));
    query.set('page', String(target));
    return `<${exchange.selfUrl}?${query.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${linkTo(page - 1)}; rel="prev"`);
  if (page < lastPage) links.push(`${linkTo(page + 1)}; rel="next"`, `${linkTo(lastPage)}; rel="last"`);
  if (page > 1) links.push(`${linkTo(1)}; rel="first"`);
  return { page: items.slice((page - 1) * perPage, page * perPage), headers: links.length > 0 ? { link: links.join(', ') } : {} };
}

function labelNamesOf(body: unknown): string[] {
  const raw = Array.isArray(body) ? body : (body as { labels?: unknown } | undefined)?.labels;
  if (!Array.isArray(raw)) return [];
  return raw.map((entry) => (typeof entry === 'string' ? entry : String((entry as { name?: unknown }).name ?? ''))).filter((name) => name !== '');
}

function touch(ctx: HandlerContext, issue: FakeIssue): void {
  issue.updatedAt = ctx.state.now();
}

function withRepo(handler: (ctx: HandlerContext, exchange: Exchange, repo: FakeRepo) => Reply): Handler {
  return (ctx, exchange) => {
    const repo = accessibleRepo(ctx, exchange);
    return isReply(repo) ? repo : handler(ctx, exchange, repo);
  };
}

function withIssue(handler: (ctx: HandlerContext, exchange: Exchange, repo: FakeRepo, issue: FakeIssue) => Reply): Handler {
  return withRepo((ctx, exchange, repo) => {
    const issue = issueIn(repo, exchange);
    return issue ? handler(ctx, exchange, repo, issue) : notFound();
  });
}

function findComment(repo: FakeRepo, commentId: number) {
  for (const issue of repo.issues.values()) {
    const comment = issue.comments.find((candidate) => candidate.id === commentId);
    if (comment) return { issue, comment };
  }
  return undefined;
}

function issueLabels(ctx: HandlerContext, repo: FakeRepo, issue: FakeIssue): unknown[] {
  return issue.labels.map((name) => repo.labels.get(name.toLowerCase())).flatMap((label) => (label ? [renderLabel(ctx.render, repo, label)] : []));
}

const handlers: Record<string, Handler> = {
  'issues/get': withIssue((ctx, _exchange, repo, issue) => ({ status: 200, body: renderIssue(ctx.render, repo, issue) })),

  'issues/list-for-repo': withRepo((ctx, exchange, repo) => {
    const wanted = exchange.query.get('state') ?? 'open';
    const since = exchange.query.get('since');
    const direction = exchange.query.get('direction') ?? 'desc';
    const byUpdate = exchange.query.get('sort') === 'updated';
    const key = (issue: FakeIssue) => (byUpdate ? Date.parse(issue.updatedAt) : issue.number);
    const issues = [...repo.issues.values()]
      .filter((issue) => wanted === 'all' || issue.state === wanted)
      .filter((issue) => !since || issue.updatedAt >= since)
      .sort((a, b) => (direction === 'asc' ? key(a) - key(b) || a.number - b.number : key(b) - key(a) || b.number - a.number));
    const { page, headers } = paginate(issues, exchange);
    return { status: 200, body: page.map((issue) => renderIssue(ctx.render, repo, issue)), headers };
  }),

  'issues/create': withRepo((ctx, exchange, repo) => {
    const body = exchange.body as { title: string | number; body?: string | null; labels?: unknown[] };
    if (typeof body.body === 'string' && body.body.length > MAX_BODY_CHARS) return validationFailed('Issue', 'body', 'custom', 'Body is too long');
    const issue = ctx.state.addIssue(repo.owner, repo.name, { title: String(body.title), body: body.body ?? null, user: actorLogin(ctx, exchange.identity) });
    for (const name of labelNamesOf(body)) ctx.state.labelIssue(repo, issue, name);
    return { status: 201, body: renderIssue(ctx.render, repo, issue) };
  }),

  'issues/update': withIssue((ctx, exchange, repo, issue) => {
    const body = (exchange.body ?? {}) as { title?: string | number | null; body?: string | null; state?: 'open' | 'closed'; labels?: unknown[] };
    if (body.title !== undefined && body.title !== null) issue.title = String(body.title);
    if (body.body !== undefined) issue.body = body.body;
    if (body.state !== undefined && body.state !== issue.state) {
      issue.state = body.state;
      issue.closedAt = body.state === 'closed' ? ctx.state.now() : null;
    }
    if (body.labels !== undefined) {
      issue.labels = [];
      for (const name of labelNamesOf(body)) ctx.state.labelIssue(repo, issue, name);
    }
    touch(ctx, issue);
    return { status: 200, body: renderIssue(ctx.render, repo, issue) };
  }),

  'issues/list-comments': withIssue((ctx, exchange, repo, issue) => {
    const since = exchange.query.get('since');
    const comments = issue.comments.filter((comment) => !since || comment.updatedAt >= since);
    const { page, headers } = paginate(comments, exchange);
    return { status: 200, body: page.map((comment) => renderComment(ctx.render, repo, issue, comment)), headers };
  }),

  'issues/create-comment': withIssue((ctx, exchange, repo, issue) => {
    const { body } = exchange.body as { body: string };
    if (body.length > MAX_BODY_CHARS) return validationFailed('IssueComment', 'body', 'custom', `Body is too long (maximum is ${MAX_BODY_CHARS} characters)`);
    const comment = ctx.state.addComment(repo.owner, repo.name, issue.number, { body, user: actorLogin(ctx, exchange.identity) });
    return { status: 201, body: renderComment(ctx.render, repo, issue, comment) };
  }),

  'issues/get-comment': withRepo((ctx, exchange, repo) => {
    const found = findComment(repo, Number(exchange.route.params.comment_id));
    return found ? { status: 200, body: renderComment(ctx.render, repo, found.issue, found.comment) } : notFound();
  }),

  'issues/update-comment': withRepo((ctx, exchange, repo) => {
    const found = findComment(repo, Number(exchange.route.params.comment_id));
    if (!found) return notFound();
    found.comment.body = (exchange.body as { body: string }).body;
    found.comment.updatedAt = ctx.state.now();
    return { status: 200, body: renderComment(ctx.render, repo, found.issue, found.comment) };
  }),

  'issues/delete-comment': withRepo((_ctx, exchange, repo) => {
    const found = findComment(repo, Number(exchange.route.params.comment_id));
    if (!found) return notFound();
    found.issue.comments = found.issue.comments.filter((comment) => comment !== found.comment);
    return { status: 204 };
  }),

  'issues/list-labels-on-issue': withIssue((ctx, exchange, repo, issue) => {
    const { page, headers } = paginate(issueLabels(ctx, repo, issue), exchange);
    return { status: 200, body: page, headers };
  }),

  'issues/add-labels': withIssue((ctx, exchange, repo, issue) => {
    for (const name of labelNamesOf(exchange.body)) ctx.state.labelIssue(repo, issue, name);
    touch(ctx, issue);
    return { status: 200, body: issueLabels(ctx, repo, issue) };
  }),

  'issues/set-labels': withIssue((ctx, exchange, repo, issue) => {
    issue.labels = [];
    for (const name of labelNamesOf(exchange.body)) ctx.state.labelIssue(repo, issue, name);
    touch(ctx, issue);
    return { status: 200, body: issueLabels(ctx, repo, issue) };
  }),

  'issues/remove-label': withIssue((ctx, exchange, repo, issue) => {
    const name = (exchange.route.params.name ?? '').toLowerCase();
    if (!issue.labels.some((label) => label.toLowerCase() === name)) return notFound('Label does not exist');
    issue.labels = issue.labels.filter((label) => label.toLowerCase() !== name);
    touch(ctx, issue);
    return { status: 200, body: issueLabels(ctx, repo, issue) };
  }),

  'issues/remove-all-labels': withIssue((ctx, _exchange, _repo, issue) => {
    issue.labels = [];
    touch(ctx, issue);
    return { status: 204 };
  }),

  'issues/list-labels-for-repo': withRepo((ctx, exchange, repo) => {
    const { page, headers } = paginate([...repo.labels.values()].map((label) => renderLabel(ctx.render, repo, label)), exchange);
    return { status: 200, body: page, headers };
  }),

  'issues/get-label': withRepo((ctx, exchange, repo) => {
    const label = repo.labels.get((exchange.route.params.name ?? '').toLowerCase());
    return label ? { status: 200, body: renderLabel(ctx.render, repo, label) } : notFound();
  }),

  'issues/create-label': withRepo((ctx, exchange, repo) => {
    const body = exchange.body as { name: string; color?: string; description?: string };
    if (repo.labels.has(body.name.toLowerCase())) return validationFailed('Label', 'name', 'already_exists');
    if (body.color !== undefined && !/^[0-9a-fA-F]{6}$/.test(body.color)) return validationFailed('Label', 'color', 'invalid');
    if (body.description !== undefined && body.description.length > 100) return validationFailed('Label', 'description', 'invalid');
    const label = ctx.state.addLabel(repo.owner, repo.name, body);
    return { status: 201, body: renderLabel(ctx.render, repo, label) };
  }),

  'repos/get': withRepo((ctx, _exchange, repo) => ({ status: 200, body: renderRepository(ctx.render, repo) })),

  'repos/get-content': withRepo((ctx, exchange, repo) => {
    const path = (exchange.route.params.path ?? '').replace(/^\/+|\/+$/g, '');
    const text = repo.files.get(path);
    if (text !== undefined) return { status: 200, body: renderFile(ctx.render, repo, path, text) };
    const prefix = `${path}/`;
    const children = new Map<string, 'file' | 'dir'>();
    for (const filePath of repo.files.keys()) {
      if (!filePath.startsWith(prefix)) continue;
      const [child, ...rest] = filePath.slice(prefix.length).split('/');
      children.set(`${prefix}${child}`, rest.length > 0 ? 'dir' : 'file');
    }
    if (children.size === 0) return notFound();
    const entries = [...children].map(([childPath, type]) => renderDirectoryEntry(ctx.render, repo, childPath, type, repo.files.get(childPath)));
    return { status: 200, body: entries };
  }),

  'apps/get-repo-installation': (ctx, exchange) => {
    if (exchange.identity.kind !== 'app') return unauthorized('A JSON web token could not be decoded');
    const repo = ctx.state.repo(exchange.route.params.owner ?? '', exchange.route.params.repo ?? '');
    if (!repo) return notFound();
    return { status: 200, body: renderInstallation(ctx.render, repo.installationId, repo.owner, exchange.identity.appId) };
  },

  'apps/create-installation-access-token': (ctx, exchange) => {
    if (exchange.identity.kind !== 'app') return unauthorized('A JSON web token could not be decoded');
    const installationId = Number(exchange.route.params.installation_id);
    if (!ctx.state.allRepos().some((repo) => repo.installationId === installationId)) return notFound();
    const token = `ghs_fake${installationId}x${ctx.state.newId()}`;
    ctx.state.installationTokens.set(token, installationId);
    return {
      status: 201,
      body: {
        token,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        permissions: { issues: 'write', contents: 'read', metadata: 'read' },
        repository_selection: 'selected',
      },
    };
  },
};

export function handlerFor(operationId: string): Handler | undefined {
  return handlers[operationId];
}
