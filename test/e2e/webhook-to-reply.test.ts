import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasReplyMarker } from '../../src/triage/render-reply.js';
import { containsMention } from '../../src/triage/mentions.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { startTestService, testSecret, testToken, type TestService } from '../support/test-service.js';
import { openedDelivery, sendDelivery, waitFor } from '../support/webhook-client.js';

/** Questions written for these tests, in the style of the support queue. */
const wifiQuestion = {
  title: 'Reading the current Wi-Fi SSID returns nil',
  body: 'I want to show the SSID of the Wi-Fi network the phone is joined to. NEHotspotNetwork.fetchCurrent gives me nil every time, even with the access Wi-Fi information entitlement. What am I missing?',
};
const tlsQuestion = {
  title: 'Server trust evaluation fails for our self-signed test server',
  body: 'Our staging server uses a self-signed certificate. URLSession fails with -1202 and App Transport Security blocks the load. How should I evaluate server trust for the test certificate without turning ATS off? cc @octocat and @acme/network-team',
};

describe('a webhook delivery becomes a label and one reply', () => {
  let github: FakeGitHub;
  let bot: TestService;
  let nextIssue = 1;

  beforeAll(async () => {
    github = await startFakeGitHub();
    github.state.addRepo('acme', 'support');
  });
  afterAll(async () => {
    await github.close();
  });
  beforeEach(async () => {
    bot = await startTestService({ githubUrl: github.url });
  });
  afterEach(async () => {
    await bot.stop();
    expect(github.violations).toEqual([]);
  });

  function newIssue(question: { title: string; body: string }) {
    const number = nextIssue++;
    github.state.addIssue('acme', 'support', { number, title: question.title, body: question.body, user: 'asker' });
    return { number, payload: openedDelivery({ owner: 'acme', repo: 'support', number, ...question }) };
  }

  const issueOf = (number: number) => github.state.repo('acme', 'support')!.issues.get(number)!;
  const markedComments = (number: number) => issueOf(number).comments.filter((comment) => hasReplyMarker(comment.body));

  it('labels a real question with its topic and posts one reply linking resources', async () => {
    const { number, payload } = newIssue(wifiQuestion);
    const sent = await sendDelivery(bot.url, 'issues', payload, { secret: testSecret });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ status: 'queued' });

    await waitFor(() => markedComments(number).length === 1, { what: 'the reply' });
    const issue = issueOf(number);
    expect(issue.labels).toContain('topic: Wi-Fi');
    const label = github.state.repo('acme', 'support')!.labels.get('topic: wi-fi');
    expect(label?.color).toMatch(/^[0-9a-f]{6}$/);
    const reply = markedComments(number)[0].body;
    expect(reply).toMatch(/\[[^\]]+\]\(https:\/\/[^)]+\)/);
    expect(containsMention(reply)).toBe(false);

    const decision = await waitFor(async () => {
      const record = await bot.service.store.getDecisionForIssue('acme/support', number);
      return record?.replyState === 'posted' ? record : null;
    });
    expect(decision).toMatchObject({ topic: 'wifi', abstained: false, deliveryId: sent.deliveryId, replyState: 'posted' });
    expect(decision.replyCommentId).toBe(markedComments(number)[0].id);
    expect(decision.timings.deliveryToDoneMs).toBeGreaterThan(0);
    console.log(`delivery to reply: ${decision.timings.deliveryToDoneMs.toFixed(0)} ms`);
  });

  it('refuses a bad signature and never triages it', async () => {
    const { number, payload } = newIssue(wifiQuestion);
    const sent = await sendDelivery(bot.url, 'issues', payload, { signature: 'sha256=' + '0'.repeat(64) });
    expect(sent.status).toBe(401);
    expect(sent.body).toEqual({ error: 'signature does not match the payload' });
    await bot.service.queue.drain();
    expect(await bot.service.store.getDelivery(sent.deliveryId)).toBeNull();
    expect(issueOf(number).comments).toEqual([]);
  });

  it('answers each malformed request with its own status and reason', async () => {
    const { payload } = newIssue(wifiQuestion);
    const cases: Array<{ options: Parameters<typeof sendDelivery>[3]; status: number; error: string }> = [
      { options: { secret: testSecret, headers: { 'x-github-event': '' } }, status: 400, error: 'missing x-github-event header' },
      { options: { secret: testSecret, headers: { 'x-github-delivery': '' } }, status: 400, error: 'missing x-github-delivery header' },
      { options: {}, status: 401, error: 'missing x-hub-signature-256 header' },
      { options: { secret: testSecret, headers: { 'content-type': 'text/plain' } }, status: 415, error: 'content-type must be application/json' },
      { options: { secret: testSecret, rawBody: '{"action": "opened",' }, status: 422, error: 'body is not valid JSON' },
      { options: { secret: testSecret, rawBody: '[1,2]' }, status: 422, error: 'body must be a JSON object' },
    ];
    for (const { options, status, error } of cases) {
      const sent = await sendDelivery(bot.url, 'issues', payload, options);
      expect({ status: sent.status, body: sent.body }).toEqual({ status, body: { error } });
    }
    const huge = JSON.stringify({ ...payload, padding: 'x'.repeat(25 * 1024 * 1024) });
    const tooLarge = await sendDelivery(bot.url, 'issues', null, { secret: testSecret, rawBody: huge });
    expect(tooLarge).toMatchObject({ status: 413, body: { error: 'payload is larger than 25 MB' } });
    expect(await bot.service.store.countDeliveries()).toBe(0);
  });

  it('ignores a redelivery of the same delivery id', async () => {
    const { number, payload } = newIssue(tlsQuestion);
    const first = await sendDelivery(bot.url, 'issues', payload, { secret: testSecret });
    await waitFor(() => markedComments(number).length === 1, { what: 'the reply' });
    const again = await sendDelivery(bot.url, 'issues', payload, { secret: testSecret, deliveryId: first.deliveryId });
    expect(again).toMatchObject({ status: 202, body: { status: 'duplicate' } });
    await bot.service.queue.drain();
    expect(markedComments(number)).toHaveLength(1);
  });

  it('queues each delivery of a simultaneous burst once, however many copies arrive together', async () => {
    // Deliveries checked in the same turn are written in one transaction: copies in one batch must still dedupe.
    const issues = [wifiQuestion, tlsQuestion, wifiQuestion, tlsQuestion].map((question) => newIssue(question));
    const sends = issues.flatMap(({ number, payload }) => {
      const deliveryId = `burst-${number}`;
      return [0, 1, 2].map(() => sendDelivery(bot.url, 'issues', payload, { secret: testSecret, deliveryId }));
    });
    const starId = 'burst-star';
    const star = { action: 'created', sender: { login: 'x', type: 'User' } };
    sends.push(...[0, 1].map(() => sendDelivery(bot.url, 'star', star, { secret: testSecret, deliveryId: starId })));
    const answers = await Promise.all(sends);

    const statuses = new Map<string, string[]>();
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      statuses.set(answer.deliveryId, [...(statuses.get(answer.deliveryId) ?? []), answer.body.status].sort());
    }
    for (const { number } of issues) expect(statuses.get(`burst-${number}`)).toEqual(['duplicate', 'duplicate', 'queued']);
    expect(statuses.get(starId)).toEqual(['duplicate', 'ignored']);

    for (const { number } of issues) await waitFor(() => markedComments(number).length === 1, { what: `the reply on #${number}` });
    await bot.service.queue.drain();
    for (const { number } of issues) expect(markedComments(number)).toHaveLength(1);
    expect(await bot.service.store.countDeliveries()).toBeGreaterThanOrEqual(issues.length + 1);
  });

  it('posts exactly one reply when GitHub fails with 500 first', async () => {
    const { number, payload } = newIssue(tlsQuestion);
    github.failNext({ method: 'POST', pathPattern: '/repos/{owner}/{repo}/issues/{issue_number}/comments', status: 500 });
    await sendDelivery(bot.url, 'issues', payload, { secret: testSecret });
    await waitFor(() => markedComments(number).length === 1, { what: 'the reply after a 500' });
    await bot.service.queue.drain();
    expect(github.requests.some((request) => request.status === 500 && request.method === 'POST')).toBe(true);
    expect(markedComments(number)).toHaveLength(1);
  });

  it('never pings anyone, whatever the issue says', async () => {
    const { number, payload } = newIssue(tlsQuestion);
    await sendDelivery(bot.url, 'issues', payload, { secret: testSecret });
    await waitFor(() => markedComments(number).length === 1, { what: 'the reply' });
    for (const comment of issueOf(number).comments) expect(containsMention(comment.body)).toBe(false);
  });

  it('acknowledges other events and pull requests without triage', async () => {
    const star = await sendDelivery(bot.url, 'star', { action: 'created', sender: { login: 'x', type: 'User' } }, { secret: testSecret });
    expect(star).toMatchObject({ status: 202, body: { status: 'ignored' } });
    const ping = await sendDelivery(bot.url, 'ping', { zen: 'Keep it logically awesome.' }, { secret: testSecret });
    expect(ping).toMatchObject({ status: 200, body: { status: 'pong' } });
  });

  it('records a human label change on a triaged issue as a correction', async () => {
    const { number, payload } = newIssue(wifiQuestion);
    await sendDelivery(bot.url, 'issues', payload, { secret: testSecret });
    await waitFor(() => markedComments(number).length === 1, { what: 'the reply' });
    const labeled = structuredClone(payload);
    labeled.action = 'labeled';
    labeled.label = { name: 'topic: Network conditions', color: 'ffffff' };
    labeled.issue.labels = [{ name: 'topic: Wi-Fi' }, { name: 'topic: Network conditions' }];
    labeled.sender = { login: 'maintainer', type: 'User' };
    await sendDelivery(bot.url, 'issues', labeled, { secret: testSecret });
    const decision = await waitFor(async () => {
      const record = await bot.service.store.getDecisionForIssue('acme/support', number);
      return record?.correctedTopic ? record : null;
    }, { what: 'the correction' });
    expect(decision.correctedTopic).toBe('network-conditions');
    const corrections = await bot.service.store.listCorrections({ repo: 'acme/support' });
    expect(corrections.at(-1)).toMatchObject({ issueNumber: number, fromTopic: 'wifi', toTopic: 'network-conditions', actor: 'maintainer', source: 'github' });
  });

  it('keeps secrets out of every log line and tags lines with the delivery id', async () => {
    const { number, payload } = newIssue(wifiQuestion);
    const sent = await sendDelivery(bot.url, 'issues', payload, { secret: testSecret });
    await waitFor(() => markedComments(number).length === 1, { what: 'the reply' });
    await bot.service.queue.drain();
    const all = bot.logLines.join('\n');
    expect(all).not.toContain(testSecret);
    expect(all).not.toContain(testToken);
    const decisionLine = bot.logLines.map((line) => JSON.parse(line)).find((line) => line.msg === 'triage decision' && line.deliveryId === sent.deliveryId);
    expect(decisionLine).toMatchObject({ repo: 'acme/support', issue: number, topic: 'wifi', replied: true });
  });
});
