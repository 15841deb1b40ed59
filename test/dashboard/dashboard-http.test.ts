import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../src/dashboard/index.js';
import { hasReplyMarker } from '../../src/triage/render-reply.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { startTestService, testSecret, type TestService } from '../support/test-service.js';
import { openedDelivery, sendDelivery, waitFor } from '../support/webhook-client.js';
import { DashboardClient } from './support/dashboard-client.js';

const dashboardToken = 'dashboard-token-for-tests-0001';

/** Questions written for these tests. */
const wifiQuestion = {
  title: 'Reading the current Wi-Fi SSID returns nil',
  body: 'I want to show the SSID of the Wi-Fi network the phone is joined to. NEHotspotNetwork.fetchCurrent gives me nil every time, even with the access Wi-Fi information entitlement.',
};
const hostileQuestion = {
  title: '<script>window.__pwned = 1</script> URLSession <img src=x onerror="window.__pwned=2"> fails',
  body: 'My URLSession data task fails with -1001 timeouts. <script>window.__pwned = 3</script> [link](javascript:alert(1))',
};

describe('dashboard over HTTP', () => {
  let github: FakeGitHub;
  let bot: TestService;
  let nextIssue = 100;

  beforeAll(async () => {
    github = await startFakeGitHub();
    github.state.addRepo('acme', 'support');
    github.state.addRepo('acme', 'reviewed');
    github.state.setFile('acme', 'reviewed', '.github/supportbot.yml', 'mode: review\n');
    bot = await startTestService({ githubUrl: github.url, env: { DASHBOARD_TOKEN: dashboardToken, SESSION_SECRET: 'x'.repeat(40) } });
  });
  afterAll(async () => {
    await bot.stop();
    await github.close();
    expect(github.violations).toEqual([]);
  });

  async function triaged(question: { title: string; body: string }, repo = 'support') {
    const number = nextIssue++;
    github.state.addIssue('acme', repo, { number, title: question.title, body: question.body, user: 'asker' });
    await sendDelivery(bot.url, 'issues', openedDelivery({ owner: 'acme', repo, number, ...question }), { secret: testSecret });
    await bot.service.queue.drain();
    const decision = await waitFor(() => bot.service.store.getDecisionForIssue(`acme/${repo}`, number), { what: 'the decision' });
    return { number, decision };
  }

  async function signedIn(): Promise<DashboardClient> {
    const client = new DashboardClient(bot.url);
    const signIn = await client.signIn(dashboardToken);
    expect(signIn).toMatchObject({ status: 303, location: '/dashboard' });
    return client;
  }

  it('sends a person without a session to sign in, and refuses actions outright', async () => {
    const { decision } = await triaged(wifiQuestion);
    const anonymous = new DashboardClient(bot.url);
    for (const path of ['/dashboard', '/dashboard/quality', `/dashboard/decisions/${decision.id}`, '/dashboard/model', '/dashboard/failures', '/dashboard/review']) {
      const page = await anonymous.get(path);
      expect(page.status, path).toBe(303);
      expect(page.location, path).toBe(`/dashboard/signin?next=${encodeURIComponent(path)}`);
    }
    const action = await anonymous.post(`/dashboard/decisions/${decision.id}/topic`, { topic: 'ftp', csrf: 'guess' });
    expect(action.status).toBe(401);
    expect((await bot.service.store.getDecision(decision.id))?.correctedTopic).toBeUndefined();
  });

  it('refuses a wrong token and forged session cookies', async () => {
    const client = new DashboardClient(bot.url);
    const wrong = await client.signIn('not-the-token-at-all');
    expect(wrong.location).toMatch(/^\/dashboard\/signin\?failed=1/);
    expect((await client.get('/dashboard')).status).toBe(303);
    const forged = Buffer.from(JSON.stringify({ sid: 'a'.repeat(24), login: 'mallory', repos: null, via: 'token', exp: Date.now() + 1e6 })).toString('base64url');
    const response = await fetch(`${bot.url}/dashboard`, { redirect: 'manual', headers: { cookie: `sb_session=${forged}.AAAA` } });
    expect(response.status).toBe(303);
  });

  it('refuses a state-changing POST without the CSRF token of the session', async () => {
    const { decision } = await triaged(wifiQuestion);
    const client = await signedIn();
    const missing = await client.post(`/dashboard/decisions/${decision.id}/topic`, { topic: 'ftp' });
    expect(missing.status).toBe(403);
    const otherSession = await signedIn();
    const foreign = await client.post(`/dashboard/decisions/${decision.id}/topic`, { topic: 'ftp', csrf: await otherSession.csrf() });
    expect(foreign.status).toBe(403);
    const signInWithoutToken = await new DashboardClient(bot.url).post('/dashboard/signin', { token: dashboardToken });
    expect(signInWithoutToken.status).toBe(403);
    expect((await bot.service.store.getDecision(decision.id))?.correctedTopic).toBeUndefined();
  });

  it('escapes issue text everywhere and sends a strict Content-Security-Policy', async () => {
    const { decision } = await triaged(hostileQuestion);
    const client = await signedIn();
    for (const path of ['/dashboard', `/dashboard/decisions/${decision.id}`, '/dashboard?q=script']) {
      const page = await client.get(path);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
      expect(page.text).not.toContain('<script>window');
      expect(page.text).not.toContain('<img src=x');
      expect(page.text).toContain('&lt;script&gt;window.__pwned &#x3D; 1&lt;/script&gt;');
      expect(page.text).not.toMatch(/href="javascript:/i);
    }
    expect(contentSecurityPolicy).toContain("script-src 'self'");
    expect(contentSecurityPolicy).not.toContain('unsafe-inline');
  });

  it('corrects a topic: the label changes on GitHub and the correction is stored with who and when', async () => {
    const { number, decision } = await triaged(wifiQuestion);
    expect(decision.topic).toBe('wifi');
    const client = await signedIn();
    const done = await client.post(`/dashboard/decisions/${decision.id}/topic`, { topic: 'network-conditions', csrf: await client.csrf() });
    expect(done).toMatchObject({ status: 303, location: `/dashboard/decisions/${decision.id}?notice=corrected` });
    const labels = github.state.issue('acme', 'support', number)!.labels;
    expect(labels).toContain('topic: Network conditions');
    expect(labels).not.toContain('topic: Wi-Fi');
    const corrections = (await bot.service.store.listCorrections({ repo: 'acme/support' })).filter((c) => c.issueNumber === number);
    expect(corrections).toEqual([expect.objectContaining({ fromTopic: 'wifi', toTopic: 'network-conditions', actor: 'token holder', source: 'dashboard' })]);
    const page = await client.get(`/dashboard/decisions/${decision.id}?notice=corrected`);
    expect(page.text).toContain('Topic corrected');
    const queue = await client.get('/dashboard?corrected=yes');
    expect(queue.text).toContain(`/dashboard/decisions/${decision.id}"`);
  });

  it('posts a reviewed reply exactly once, with the maintainer edit and no mentions', async () => {
    const { number, decision } = await triaged(wifiQuestion, 'reviewed');
    expect(decision.replyState).toBe('pending-review');
    expect(github.state.comments('acme', 'reviewed', number)).toEqual([]);
    const client = await signedIn();
    const review = await client.get('/dashboard/review');
    expect(review.text).toContain(`/dashboard/decisions/${decision.id}/approve`);
    const csrf = DashboardClient.csrfOf(review.text);
    const edited = 'Thanks! Try the hotspot configuration guide first. cc @someone';
    const first = await client.post(`/dashboard/decisions/${decision.id}/approve`, { csrf, body: edited });
    expect(first.location).toBe('/dashboard/review?notice=posted');
    const second = await client.post(`/dashboard/decisions/${decision.id}/approve`, { csrf, body: edited });
    expect(second.location).toBe('/dashboard/review?notice=not-pending');
    const comments = github.state.comments('acme', 'reviewed', number);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain('Thanks! Try the hotspot configuration guide first.');
    expect(comments[0].body).not.toMatch(/(^|\s)@someone/);
    expect(hasReplyMarker(comments[0].body)).toBe(true);
    expect((await bot.service.store.getDecision(decision.id))?.replyState).toBe('posted');
  });

  it('declines a reviewed reply: nothing is posted', async () => {
    const { number, decision } = await triaged(wifiQuestion, 'reviewed');
    const client = await signedIn();
    const declined = await client.post(`/dashboard/decisions/${decision.id}/decline`, { csrf: await client.csrf() });
    expect(declined.location).toBe('/dashboard/review?notice=declined');
    expect(github.state.comments('acme', 'reviewed', number)).toEqual([]);
    expect((await bot.service.store.getDecision(decision.id))?.replyState).toBe('declined');
  });

  it('lists failed jobs and retries one', async () => {
    const number = nextIssue++;
    github.state.addIssue('acme', 'support', { number, title: wifiQuestion.title, body: wifiQuestion.body, user: 'asker' });
    // A 404 is not retryable: one failure uses up the job at once.
    github.failNext({ method: 'GET', pathPattern: '/repos/{owner}/{repo}/issues/{issue_number}', status: 404 });
    const sent = await sendDelivery(bot.url, 'issues', openedDelivery({ owner: 'acme', repo: 'support', number, ...wifiQuestion }), { secret: testSecret });
    await waitFor(async () => (await bot.service.queue.listJobs({ id: sent.deliveryId }))[0]?.state === 'failed', { what: 'the job to fail' });
    const client = await signedIn();
    const failures = await client.get('/dashboard/failures');
    expect(failures.text).toContain(sent.deliveryId);
    expect(failures.text).toContain('GitHub resource not found');
    const retried = await client.post('/dashboard/failures/retry', { csrf: DashboardClient.csrfOf(failures.text), id: sent.deliveryId });
    expect(retried.location).toBe('/dashboard/failures?notice=retried');
    await bot.service.queue.drain();
    expect((await bot.service.queue.listJobs({ id: sent.deliveryId }))[0]?.state).toBe('done');
    expect((await bot.service.store.getDecisionForIssue('acme/support', number))?.topic).toBe('wifi');
  });

  it('serves its own stylesheet, script and Chart.js', async () => {
    const client = await signedIn();
    for (const [name, type] of [['dashboard.css', 'text/css'], ['dashboard.js', 'text/javascript'], ['chart.umd.js', 'text/javascript']]) {
      const asset = await client.get(`/dashboard/assets/${name}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toContain(type);
    }
    expect((await client.get('/dashboard/assets/..%2Fpackage.json')).status).toBe(404);
  });
});

describe('dashboard access without a token', () => {
  it('is open on loopback in dry-run, and says so', async () => {
    const bot = await startTestService({ githubUrl: null });
    try {
      const page = await new DashboardClient(bot.url).get('/dashboard');
      expect(page.status).toBe(200);
      expect(page.text).toContain('Dry-run on loopback');
      expect(bot.logLines.some((line) => line.includes('listens on loopback only'))).toBe(true);
    } finally {
      await bot.stop();
    }
  });
});
