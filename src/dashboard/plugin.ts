import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RetrainOutcome } from '../training/retrain.js';
import type { DashboardAccess } from './access.js';
import { registerAssets } from './assets.js';
import { correctTopic, type IssueWriteDeps } from './correct-topic.js';
import { authorizeUrl, exchangeCode, writableRepositories } from './github-oauth.js';
import { decisionPage, failuresPage, modelPage, qualityPage, queuePage, reviewPage, type PageDeps } from './pages.js';
import { approveReply, declineReply } from './review.js';
import { canSeeRepo, csrfMatches, csrfTokenFor, decodeSession, encodeSession, newSession, newSessionId, secretsEqual, type Session } from './session.js';
import { loadPages, type LayoutView, type PageName } from './views.js';

export const dashboardPrefix = '/dashboard';
const sessionCookie = 'sb_session';
const preSessionCookie = 'sb_presession';

export interface ModelActions {
  retrain(): Promise<RetrainOutcome>;
  makeCurrent(version: string): Promise<void>;
}

export interface DashboardDeps extends IssueWriteDeps, PageDeps {
  /** Null where this process cannot train (no corpus configured). */
  models: ModelActions | null;
}

export interface DashboardOptions {
  deps: DashboardDeps;
  access: DashboardAccess;
  templatesDir: string;
  fetch?: typeof fetch;
}

/** No inline script or style, nothing from other hosts: issue text can never run as code here. */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Messages shown once after an action, chosen by code so the URL cannot inject text. */
const notices: Record<string, string> = {
  corrected: 'Topic corrected; the labels on GitHub were updated.',
  'corrected-dry-run': 'Topic corrected. Dry-run: the labels on GitHub were left as they are.',
  'corrected-github-failed': 'Topic corrected, but GitHub refused the label change; see the log for the error.',
  unchanged: 'The issue already has that topic.',
  posted: 'Reply posted.',
  'already-posted': 'The reply was already on the issue; nothing was posted twice.',
  declined: 'Reply declined; nothing was posted.',
  'not-pending': 'That reply is no longer waiting for review.',
  'review-dry-run': 'Dry-run: nothing can be posted to GitHub.',
  promoted: 'Retrained: the new model is at least as good on held-out folds and is now in use.',
  'kept-aside': 'Retrained: the new model scored lower than the current one on the same held-out folds, so the current one stays in use. It is listed below.',
  unchanged_model: 'Retrained: the training data has not changed, so the model is the same.',
  'made-current': 'That version is now in use everywhere (other processes follow within a minute).',
  retried: 'The job is queued again with a fresh set of tries.',
  'not-retried': 'That job is not failed any more.',
  'signed-out': 'Signed out.',
};

const idParam = z.object({ id: z.coerce.number().int().positive() });
const topicForm = z.object({ csrf: z.string().optional(), topic: z.string().max(100) });
const reviewForm = z.object({ csrf: z.string().optional(), body: z.string().max(65_000).optional() });
const versionForm = z.object({ csrf: z.string().optional(), version: z.string().min(1).max(200) });
const jobForm = z.object({ csrf: z.string().optional(), id: z.string().min(1).max(200) });
const tokenForm = z.object({ csrf: z.string().optional(), token: z.string().max(1000), next: z.string().max(500).optional() });

/** Only paths inside the dashboard: a `next` pointing elsewhere would be an open redirect. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/dashboard(\/[\w\-/.?=&%]*)?$/.test(next) && !next.includes('//') ? next : dashboardPrefix;
}

/** Mounts the maintainer dashboard under /dashboard. */
export function dashboardPlugin(options: DashboardOptions): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    await app.register(async (scope) => registerDashboard(scope, options), { prefix: dashboardPrefix });
  };
}

async function registerDashboard(scope: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { deps, access } = options;
  const render = loadPages(options.templatesDir);
  const fetchImpl = options.fetch ?? fetch;
  await scope.register(fastifyCookie, { secret: access.sessionSecret });
  await scope.register(fastifyFormbody, { bodyLimit: 128 * 1024 });

  scope.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', contentSecurityPolicy);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  const secureCookies = access.publicUrl?.startsWith('https:') ?? false;
  const cookieOptions = (request: FastifyRequest) => ({
    path: dashboardPrefix,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: secureCookies || request.protocol === 'https',
    signed: true,
  });
  const nowMs = () => deps.now().getTime();

  function readSigned(request: FastifyRequest, name: string): string | null {
    const raw = request.cookies[name];
    if (!raw) return null;
    const unsigned = request.unsignCookie(raw);
    return unsigned.valid && unsigned.value ? unsigned.value : null;
  }

  function startSession(request: FastifyRequest, reply: FastifyReply, fields: Pick<Session, 'login' | 'repos' | 'via'>): Session {
    const session = newSession(fields, nowMs());
    reply.setCookie(sessionCookie, encodeSession(session), { ...cookieOptions(request), maxAge: Math.floor((session.exp - nowMs()) / 1000) });
    return session;
  }

  function sessionOf(request: FastifyRequest, reply: FastifyReply): Session | null {
    const value = readSigned(request, sessionCookie);
    const session = value ? decodeSession(value, nowMs()) : null;
    if (session) return session;
    return access.openLocally ? startSession(request, reply, { login: 'local operator', repos: null, via: 'local' }) : null;
  }

  /** A nonce for the sign-in form and the OAuth state, before anyone is signed in. */
  function preSessionOf(request: FastifyRequest, reply: FastifyReply): string {
    const existing = readSigned(request, preSessionCookie);
    if (existing) return existing;
    const nonce = newSessionId();
    reply.setCookie(preSessionCookie, nonce, { ...cookieOptions(request), maxAge: 3600 });
    return nonce;
  }

  function layout(session: Session | null, nav: PageName | null, title: string, request: FastifyRequest, charts = false): LayoutView {
    const code = (request.query as Record<string, unknown> | undefined)?.notice;
    return {
      title,
      nav,
      user: session ? { login: session.login, via: session.via } : null,
      csrf: session ? csrfTokenFor(access.sessionSecret, session.sid) : null,
      banner: access.openLocally ? 'Dry-run on loopback: no sign-in is required and nothing is written to GitHub. Set DASHBOARD_TOKEN before listening on other addresses.' : null,
      notice: typeof code === 'string' ? (notices[code] ?? null) : null,
      charts,
    };
  }

  function html(reply: FastifyReply, body: string, status = 200) {
    return reply.code(status).type('text/html; charset=utf-8').send(body);
  }

  function message(reply: FastifyReply, request: FastifyRequest, session: Session | null, status: number, title: string, text: string) {
    return html(reply, render('message', layout(session, null, title, request), { title, text }), status);
  }

  /** GET pages send a person without a session to sign in; anything else is refused outright. */
  async function requireSession(request: FastifyRequest, reply: FastifyReply): Promise<Session | null> {
    const session = sessionOf(request, reply);
    if (session) return session;
    if (request.method === 'GET') {
      await reply.redirect(`${dashboardPrefix}/signin?next=${encodeURIComponent(request.url)}`, 303);
    } else {
      await reply.code(401).type('text/plain; charset=utf-8').send('sign in first');
    }
    return null;
  }

  /** A state-changing request must carry the session's CSRF token. */
  async function requireWrite(request: FastifyRequest, reply: FastifyReply): Promise<Session | null> {
    const session = await requireSession(request, reply);
    if (!session) return null;
    const token = (request.body as Record<string, unknown> | undefined)?.csrf;
    if (!csrfMatches(access.sessionSecret, session.sid, token)) {
      await reply.code(403).type('text/plain; charset=utf-8').send('missing or wrong CSRF token: reload the page and try again');
      return null;
    }
    return session;
  }

  async function visibleDecision(request: FastifyRequest, session: Session) {
    const params = idParam.safeParse(request.params);
    if (!params.success) return null;
    const decision = await deps.store.getDecision(params.data.id);
    return decision && canSeeRepo(session, decision.repo) ? decision : null;
  }

  const isOperator = (session: Session) => session.repos === null;

  registerAssets(scope, options.templatesDir);

  // Sign-in ---------------------------------------------------------------------------------
  scope.get('/signin', async (request, reply) => {
    const nonce = preSessionOf(request, reply);
    const next = safeNext((request.query as Record<string, unknown>).next);
    return html(
      reply,
      render('signin', layout(null, null, 'Sign in', request), {
        token: access.dashboardToken !== null,
        github: access.github !== null,
        locked: access.dashboardToken === null && access.github === null && !access.openLocally,
        csrf: csrfTokenFor(access.sessionSecret, `pre:${nonce}`),
        next,
        failed: (request.query as Record<string, unknown>).failed === '1',
        githubFailed: (request.query as Record<string, unknown>).github === 'failed',
      }),
    );
  });

  scope.post('/signin', async (request, reply) => {
    const form = tokenForm.safeParse(request.body);
    const nonce = readSigned(request, preSessionCookie);
    if (!form.success || !nonce || !csrfMatches(access.sessionSecret, `pre:${nonce}`, form.data.csrf)) {
      return reply.code(403).type('text/plain; charset=utf-8').send('missing or wrong CSRF token: reload the sign-in page');
    }
    const next = safeNext(form.data.next);
    if (!access.dashboardToken || !secretsEqual(access.dashboardToken, form.data.token)) {
      request.log.warn({ ip: request.ip }, 'dashboard sign-in with a wrong token');
      return reply.redirect(`${dashboardPrefix}/signin?failed=1&next=${encodeURIComponent(next)}`, 303);
    }
    startSession(request, reply, { login: 'token holder', repos: null, via: 'token' });
    return reply.redirect(next, 303);
  });

  const callbackUrl = (request: FastifyRequest) => `${access.publicUrl ?? `${request.protocol}://${request.host}`}${dashboardPrefix}/oauth/callback`;

  scope.get('/oauth/start', async (request, reply) => {
    if (!access.github) return message(reply, request, null, 404, 'Not configured', 'Sign-in with GitHub needs GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET.');
    const nonce = preSessionOf(request, reply);
    return reply.redirect(authorizeUrl(access.github, callbackUrl(request), csrfTokenFor(access.sessionSecret, `oauth:${nonce}`)), 303);
  });

  scope.get('/oauth/callback', async (request, reply) => {
    const query = z.object({ code: z.string().min(1).max(200), state: z.string().max(200) }).safeParse(request.query);
    const nonce = readSigned(request, preSessionCookie);
    if (!access.github || !query.success || !nonce || !csrfMatches(access.sessionSecret, `oauth:${nonce}`, query.data.state)) {
      return message(reply, request, null, 403, 'Sign-in failed', 'The sign-in link was stale or not started here. Start again from the sign-in page.');
    }
    try {
      const token = await exchangeCode(access.github, query.data.code, callbackUrl(request), fetchImpl);
      const { login, repos } = await writableRepositories(access.github, token, fetchImpl);
      startSession(request, reply, { login, repos, via: 'github' });
      request.log.info({ login, repos: repos.length }, 'dashboard sign-in with GitHub');
      return reply.redirect(dashboardPrefix, 303);
    } catch (error) {
      request.log.warn({ err: error }, 'dashboard sign-in with GitHub failed');
      return reply.redirect(`${dashboardPrefix}/signin?github=failed`, 303);
    }
  });

  scope.post('/signout', async (request, reply) => {
    if (!(await requireWrite(request, reply))) return reply;
    reply.clearCookie(sessionCookie, { path: dashboardPrefix });
    return reply.redirect(`${dashboardPrefix}/signin?notice=signed-out`, 303);
  });

  // Pages -----------------------------------------------------------------------------------
  scope.get('/', async (request, reply) => {
    const session = await requireSession(request, reply);
    if (!session) return reply;
    return html(reply, render('queue', layout(session, 'queue', 'Queue', request), await queuePage(deps, session, request.query)));
  });

  scope.get('/decisions/:id', async (request, reply) => {
    const session = await requireSession(request, reply);
    if (!session) return reply;
    const decision = await visibleDecision(request, session);
    if (!decision) return message(reply, request, session, 404, 'Not found', 'There is no such decision, or it belongs to a repository you cannot see.');
    const view = await decisionPage(deps, decision);
    return html(reply, render('decision', layout(session, 'queue', `${decision.repo}#${decision.issueNumber}`, request, true), view));
  });

  scope.get('/quality', async (request, reply) => {
    const session = await requireSession(request, reply);
    if (!session) return reply;
    return html(reply, render('quality', layout(session, 'quality', 'Quality', request, true), await qualityPage(deps, session, request.query)));
  });

  scope.get('/model', async (request, reply) => {
    const session = await requireSession(request, reply);
    if (!session) return reply;
    const view = { ...(await modelPage(deps)), canTrain: deps.models !== null && isOperator(session), operator: isOperator(session) };
    return html(reply, render('model', layout(session, 'model', 'Model', request), view));
  });

  scope.get('/failures', async (request, reply) => {
    const session = await requireSession(request, reply);
    if (!session) return reply;
    return html(reply, render('failures', layout(session, 'failures', 'Failures', request), await failuresPage(deps, session)));
  });

  scope.get('/review', async (request, reply) => {
    const session = await requireSession(request, reply);
    if (!session) return reply;
    return html(reply, render('review', layout(session, 'review', 'Review', request), { ...(await reviewPage(deps, session)), dryRun: deps.tracker === null }));
  });

  // Actions ---------------------------------------------------------------------------------
  scope.post('/decisions/:id/topic', async (request, reply) => {
    const session = await requireWrite(request, reply);
    if (!session) return reply;
    const decision = await visibleDecision(request, session);
    const form = topicForm.safeParse(request.body);
    if (!decision || !form.success) return message(reply, request, session, 404, 'Not found', 'There is no such decision, or the form was incomplete.');
    const toTopic = form.data.topic === '' ? null : form.data.topic;
    if (toTopic !== null && !deps.knowledge().topics.some((topic) => topic.slug === toTopic)) {
      return message(reply, request, session, 400, 'Unknown topic', 'Choose one of the listed topics.');
    }
    const outcome = await correctTopic(deps, { decision, toTopic, actor: session.login });
    const notice = outcome.kind === 'unchanged' ? 'unchanged' : outcome.github === 'updated' ? 'corrected' : outcome.github === 'dry-run' ? 'corrected-dry-run' : 'corrected-github-failed';
    return reply.redirect(`${dashboardPrefix}/decisions/${decision.id}?notice=${notice}`, 303);
  });

  scope.post('/decisions/:id/approve', async (request, reply) => {
    const session = await requireWrite(request, reply);
    if (!session) return reply;
    const decision = await visibleDecision(request, session);
    const form = reviewForm.safeParse(request.body);
    if (!decision || !form.success) return message(reply, request, session, 404, 'Not found', 'There is no such decision, or the form was incomplete.');
    const outcome = await approveReply(deps, { decision, editedBody: form.data.body, actor: session.login });
    return reply.redirect(`${dashboardPrefix}/review?notice=${outcome.kind === 'dry-run' ? 'review-dry-run' : outcome.kind}`, 303);
  });

  scope.post('/decisions/:id/decline', async (request, reply) => {
    const session = await requireWrite(request, reply);
    if (!session) return reply;
    const decision = await visibleDecision(request, session);
    if (!decision) return message(reply, request, session, 404, 'Not found', 'There is no such decision.');
    const outcome = await declineReply(deps, { decision, actor: session.login });
    return reply.redirect(`${dashboardPrefix}/review?notice=${outcome.kind}`, 303);
  });

  scope.post('/model/retrain', async (request, reply) => {
    const session = await requireWrite(request, reply);
    if (!session) return reply;
    if (!deps.models || !isOperator(session)) return message(reply, request, session, 403, 'Not allowed', 'Retraining needs an operator sign-in and a configured training corpus.');
    try {
      const outcome = await deps.models.retrain();
      const notice = outcome.kind === 'unchanged' ? 'unchanged_model' : outcome.promoted ? 'promoted' : 'kept-aside';
      return reply.redirect(`${dashboardPrefix}/model?notice=${notice}`, 303);
    } catch (error) {
      request.log.warn({ err: error }, 'retrain from the dashboard failed');
      return message(reply, request, session, 500, 'Retraining failed', (error as Error).message);
    }
  });

  scope.post('/model/current', async (request, reply) => {
    const session = await requireWrite(request, reply);
    if (!session) return reply;
    const form = versionForm.safeParse(request.body);
    if (!deps.models || !isOperator(session) || !form.success) return message(reply, request, session, 403, 'Not allowed', 'Choosing the model needs an operator sign-in.');
    try {
      await deps.models.makeCurrent(form.data.version);
    } catch (error) {
      return message(reply, request, session, 400, 'Cannot use that version', (error as Error).message);
    }
    return reply.redirect(`${dashboardPrefix}/model?notice=made-current`, 303);
  });

  scope.post('/failures/retry', async (request, reply) => {
    const session = await requireWrite(request, reply);
    if (!session) return reply;
    const form = jobForm.safeParse(request.body);
    if (!form.success) return message(reply, request, session, 400, 'Incomplete form', 'The job id is missing.');
    const visible = (await failuresPage(deps, session)).rows.some((row) => row.id === form.data.id);
    const retried = visible && (await deps.queue.retry(form.data.id));
    return reply.redirect(`${dashboardPrefix}/failures?notice=${retried ? 'retried' : 'not-retried'}`, 303);
  });
}
