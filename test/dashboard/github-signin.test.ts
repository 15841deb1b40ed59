import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webUrlOf } from '../../src/dashboard/github-oauth.js';
import { startTestService, testSecret, type TestService } from '../support/test-service.js';
import { openedDelivery, sendDelivery, waitFor } from '../support/webhook-client.js';
import { DashboardClient } from './support/dashboard-client.js';

/**
 * Sign-in with GitHub against a local stand-in for GitHub's OAuth and user endpoints. The
 * service runs in dry-run (no App credentials), so the stand-in only needs what sign-in uses.
 */
interface OauthStandIn {
  url: string;
  exchanges: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

async function startOauthStandIn(): Promise<OauthStandIn> {
  const exchanges: Array<Record<string, unknown>> = [];
  const json = (response: http.ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      if (request.method === 'POST' && url.pathname === '/login/oauth/access_token') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        exchanges.push(body);
        return json(response, 200, body.code === 'good-code' ? { access_token: 'gho_maintainer', token_type: 'bearer' } : { error: 'bad_verification_code' });
      }
      if (request.headers.authorization !== 'Bearer gho_maintainer') return json(response, 401, { message: 'Bad credentials' });
      if (url.pathname === '/user') return json(response, 200, { login: 'maintainer', id: 1 });
      if (url.pathname === '/user/installations') return json(response, 200, { total_count: 1, installations: [{ id: 42 }] });
      if (url.pathname === '/user/installations/42/repositories') {
        return json(response, 200, {
          total_count: 2,
          repositories: [
            { full_name: 'acme/visible', permissions: { admin: false, push: true, pull: true } },
            { full_name: 'acme/readonly', permissions: { admin: false, push: false, pull: true } },
          ],
        });
      }
      return json(response, 404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const question = { title: 'NWListener refuses TCP connections', body: 'My NWListener reports ready on iOS 17 but incoming TCP connections from the Mac are refused.' };

describe('sign-in with GitHub', () => {
  let github: OauthStandIn;
  let bot: TestService;
  const decisionIds = new Map<string, number>();

  beforeAll(async () => {
    github = await startOauthStandIn();
    bot = await startTestService({ githubUrl: null, env: { GITHUB_API_URL: github.url, GITHUB_CLIENT_ID: 'Iv1.client', GITHUB_CLIENT_SECRET: 'client-secret-value' } });
    for (const repo of ['visible', 'readonly', 'elsewhere']) {
      await sendDelivery(bot.url, 'issues', openedDelivery({ owner: 'acme', repo, number: 1, ...question }), { secret: testSecret });
    }
    await bot.service.queue.drain();
    for (const repo of ['visible', 'readonly', 'elsewhere']) {
      const decision = await waitFor(() => bot.service.store.getDecisionForIssue(`acme/${repo}`, 1), { what: `the decision in ${repo}` });
      decisionIds.set(repo, decision.id);
    }
  });
  afterAll(async () => {
    await bot.stop();
    await github.close();
  });

  async function signInWithGitHub(code: string) {
    const client = new DashboardClient(bot.url);
    const start = await client.get('/dashboard/oauth/start');
    expect(start.status).toBe(303);
    const authorize = new URL(start.location ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${github.url}/login/oauth/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe('Iv1.client');
    const state = authorize.searchParams.get('state') ?? '';
    const callback = await client.get(`/dashboard/oauth/callback?code=${code}&state=${encodeURIComponent(state)}`);
    return { client, callback, state };
  }

  it('shows only the installed repositories the person can write to', async () => {
    const { client, callback } = await signInWithGitHub('good-code');
    expect(callback).toMatchObject({ status: 303, location: '/dashboard' });
    expect(github.exchanges.at(-1)).toMatchObject({ client_id: 'Iv1.client', client_secret: 'client-secret-value', code: 'good-code' });

    const queue = await client.get('/dashboard');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('maintainer');
    expect(queue.text).toContain(`/dashboard/decisions/${decisionIds.get('visible')}"`);
    expect(queue.text).not.toContain(`/dashboard/decisions/${decisionIds.get('readonly')}"`);
    expect((await client.get('/dashboard?repo=acme/elsewhere')).text).toContain('You have no repository here');
    expect((await client.get(`/dashboard/decisions/${decisionIds.get('visible')}`)).status).toBe(200);
    expect((await client.get(`/dashboard/decisions/${decisionIds.get('readonly')}`)).status).toBe(404);
    expect((await client.get(`/dashboard/decisions/${decisionIds.get('elsewhere')}`)).status).toBe(404);
    const hidden = await client.post(`/dashboard/decisions/${decisionIds.get('elsewhere')}/topic`, { csrf: await client.csrf(), topic: 'ftp' });
    expect(hidden.status).toBe(404);
    expect((await bot.service.store.listCorrections()).length).toBe(0);
    const model = await client.get('/dashboard/model');
    expect(model.text).not.toContain('action="/dashboard/model/retrain"');
  });

  it('refuses a callback whose state was not issued to this browser', async () => {
    const { state } = await signInWithGitHub('unused');
    const stranger = new DashboardClient(bot.url);
    const callback = await stranger.get(`/dashboard/oauth/callback?code=good-code&state=${encodeURIComponent(state)}`);
    expect(callback.status).toBe(403);
    expect((await stranger.get('/dashboard')).status).toBe(303);
  });

  it('sends a refused code back to the sign-in page', async () => {
    const { client, callback } = await signInWithGitHub('bad-code');
    expect(callback).toMatchObject({ status: 303, location: '/dashboard/signin?github=failed' });
    expect((await client.get('/dashboard')).status).toBe(303);
  });

  it('finds the web host of github.com and of GitHub Enterprise Server', () => {
    expect(webUrlOf('https://api.github.com')).toBe('https://github.com');
    expect(webUrlOf('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com');
  });
});
