import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasReplyMarker } from '../../src/triage/render-reply.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { startTestService, testSecret, type TestService } from '../support/test-service.js';
import { openedDelivery, sendDelivery, waitFor } from '../support/webhook-client.js';

/** A question written for this test. */
const question = {
  title: 'NWConnection UDP receive handler never called',
  body: 'On iOS 18.1 I open an NWConnection with .udp to a device on the LAN and call receiveMessage, but the completion never runs and no error is logged.',
};

/** The value of one sample, `name{labels} value`, or undefined when the exposition has no such line. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics after one delivery', () => {
  let github: FakeGitHub;
  let bot: TestService;
  let text: string;

  beforeAll(async () => {
    github = await startFakeGitHub();
    github.state.addRepo('acme', 'support');
    github.state.addIssue('acme', 'support', { number: 3, ...question, user: 'asker' });
    bot = await startTestService({ githubUrl: github.url });
    // One server error and one secondary rate limit on the way, so both show up as they happen.
    github.failNext(
      { method: 'GET', pathPattern: '/repos/{owner}/{repo}/issues/{issue_number}', status: 500 },
      {
        method: 'POST',
        pathPattern: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
        status: 403,
        headers: { 'retry-after': '1' },
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      },
    );
    const payload = openedDelivery({ owner: 'acme', repo: 'support', number: 3, ...question });
    expect((await sendDelivery(bot.url, 'issues', payload, { secret: testSecret, deliveryId: 'metrics-1' })).status).toBe(202);
    expect((await sendDelivery(bot.url, 'issues', payload, { secret: testSecret, deliveryId: 'metrics-1' })).body).toEqual({ status: 'duplicate' });
    await waitFor(() => github.state.comments('acme', 'support', 3).some((comment) => hasReplyMarker(comment.body)), { timeoutMs: 20_000, what: 'the reply' });
    await bot.service.queue.drain(10_000);
    const response = await fetch(`${bot.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    text = await response.text();
  });

  afterAll(async () => {
    await bot?.stop();
    await github?.close();
  });

  it('counts deliveries by outcome', () => {
    expect(sample(text, 'supportbot_webhook_deliveries_total', { outcome: 'queued' })).toBe(1);
    expect(sample(text, 'supportbot_webhook_deliveries_total', { outcome: 'duplicate' })).toBe(1);
  });

  it('shows the queue depth by state, empty once the job is done', () => {
    for (const state of ['queued', 'running', 'failed']) expect(sample(text, 'supportbot_queue_jobs', { state })).toBe(0);
  });

  it('records the job and its latency', () => {
    expect(sample(text, 'supportbot_jobs_total', { outcome: 'triaged' })).toBe(1);
    expect(sample(text, 'supportbot_job_duration_seconds_count', { outcome: 'done' })).toBe(1);
    expect(sample(text, 'supportbot_job_duration_seconds_sum', { outcome: 'done' })).toBeGreaterThan(0);
    expect(sample(text, 'supportbot_delivery_to_decision_seconds_count')).toBe(1);
  });

  it('counts GitHub calls by route and status, failures included', () => {
    const issueRoute = '/repos/{owner}/{repo}/issues/{issue_number}';
    expect(sample(text, 'supportbot_github_requests_total', { method: 'GET', route: issueRoute, status: '500' })).toBe(1);
    expect(sample(text, 'supportbot_github_requests_total', { method: 'GET', route: issueRoute, status: '200' })).toBe(1);
    expect(sample(text, 'supportbot_github_requests_total', { method: 'POST', route: `${issueRoute}/labels`, status: '403' })).toBe(1);
    expect(sample(text, 'supportbot_github_requests_total', { method: 'POST', route: `${issueRoute}/comments`, status: '201' })).toBe(1);
    expect(sample(text, 'supportbot_github_request_duration_seconds_count', { method: 'POST' })).toBeGreaterThanOrEqual(3);
  });

  it('times classification', () => {
    expect(sample(text, 'supportbot_classification_duration_seconds_count')).toBe(1);
    expect(sample(text, 'supportbot_classification_duration_seconds_sum')).toBeGreaterThan(0);
  });

  it('counts rate-limit waits and the seconds waited', () => {
    expect(sample(text, 'supportbot_github_rate_limit_waits_total')).toBe(1);
    expect(sample(text, 'supportbot_github_rate_limit_wait_seconds_total')).toBe(1);
  });
});

describe('a worker process with METRICS_PORT', () => {
  it('serves its own metrics and health, and no webhook route', async () => {
    const worker = await startTestService({ githubUrl: null, role: 'worker', env: { METRICS_PORT: '0' } });
    try {
      expect(worker.url).toBe('');
      const line = worker.logLines.map((entry) => JSON.parse(entry)).find((entry) => entry.msg === 'worker metrics at /metrics');
      const base = line.url as string;
      const metricsText = await (await fetch(`${base}/metrics`)).text();
      expect(metricsText).toContain('supportbot_jobs_total');
      expect(metricsText).toContain('supportbot_queue_jobs');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/api/github/webhooks`, { method: 'POST' })).status).toBe(404);
    } finally {
      await worker.stop();
    }
  });
});
