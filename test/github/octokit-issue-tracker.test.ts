import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SbError } from '../../src/errors.js';
import type { RepoRef } from '../../src/github/issue-tracker.js';
import { createOctokitIssueTracker, type OctokitIssueTrackerOptions } from '../../src/github/octokit-issue-tracker.js';
import { createLogger } from '../../src/log.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { describeIssueTrackerContract } from './issue-tracker-contract.js';

const TOKEN = 'test-token-do-not-log-4f1c';

function captureLogs() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) });
  return { logger, lines };
}

/** No pacing and millisecond backoff: the fake answers at once and tests must stay quick. */
function quickOptions(fake: FakeGitHub, overrides: Partial<OctokitIssueTrackerOptions> = {}): OctokitIssueTrackerOptions {
  return {
    apiUrl: fake.url,
    auth: { kind: 'token', token: TOKEN },
    logger: captureLogs().logger,
    writeSpacingMs: 0,
    notifyingWriteSpacingMs: 0,
    retryBaseMs: 5,
    ...overrides,
  };
}

let contractFake: FakeGitHub;
let contractRepos = 0;

describeIssueTrackerContract(
  'Octokit against the fake GitHub',
  async () => {
    contractFake = await startFakeGitHub({ checkResponses: true });
    const fake = contractFake;
    const tracker = createOctokitIssueTracker(quickOptions(fake));
    return {
      tracker,
      newRepo: () => {
        const repo = { owner: 'acme', repo: `octokit-${++contractRepos}` };
        fake.state.addRepo(repo.owner, repo.repo);
        return repo;
      },
      seedIssue: (repo, issue) => {
        fake.state.addIssue(repo.owner, repo.repo, { ...issue, user: issue.authorLogin });
      },
      seedComments: async (repo, issueNumber, bodies) => {
        for (const body of bodies) fake.state.addComment(repo.owner, repo.repo, issueNumber, { body, user: 'someone' });
      },
      seedLabel: (repo, name, color) => {
        fake.state.addLabel(repo.owner, repo.repo, { name, color });
      },
      setFile: (repo, path, text) => fake.state.setFile(repo.owner, repo.repo, path, text),
      issueLabels: (repo, issueNumber) => fake.state.issue(repo.owner, repo.repo, issueNumber)?.labels ?? [],
      repoLabels: (repo) => fake.state.labels(repo.owner, repo.repo).map(({ name, color }) => ({ name, color })),
      commentBodies: (repo, issueNumber) => fake.state.comments(repo.owner, repo.repo, issueNumber).map((comment) => comment.body),
    };
  },
  async () => {
    // Every request the adapter made, and every answer the fake gave, matched GitHub's spec.
    expect(contractFake.violations).toEqual([]);
    await contractFake.close();
  },
);

describe('Octokit issue tracker over HTTP', () => {
  let fake: FakeGitHub;
  const repo: RepoRef = { owner: 'acme', repo: 'widgets' };

  beforeAll(async () => {
    fake = await startFakeGitHub();
    fake.state.addRepo('acme', 'widgets', { installationId: 42 });
    fake.state.addIssue('acme', 'widgets', { number: 1, title: 'NWConnection stalls', body: 'It stalls.' });
  });
  afterEach(() => {
    fake.setFaults({});
    fake.requests.length = 0;
    expect(fake.violations).toEqual([]);
  });
  afterAll(() => fake.close());

  it('sends the label and comment requests GitHub documents', async () => {
    const tracker = createOctokitIssueTracker(quickOptions(fake));
    await tracker.addLabels(repo, 1, [{ name: 'topic: bonjour', color: '1d76db' }]);
    await tracker.createComment(repo, 1, 'Reply body');
    const writes = fake.requests.filter((request) => request.method === 'POST').map(({ path, body, authorization }) => ({ path, body, authorization }));
    expect(writes).toEqual([
      { path: '/repos/acme/widgets/labels', body: { name: 'topic: bonjour', color: '1d76db' }, authorization: `token ${TOKEN}` },
      { path: '/repos/acme/widgets/issues/1/labels', body: { labels: ['topic: bonjour'] }, authorization: `token ${TOKEN}` },
      { path: '/repos/acme/widgets/issues/1/comments', body: { body: 'Reply body' }, authorization: `token ${TOKEN}` },
    ]);
  });

  it('retries a 500 and succeeds, reporting each attempt', async () => {
    const seen: Array<{ route: string; status: number }> = [];
    const tracker = createOctokitIssueTracker(quickOptions(fake, { onRequest: ({ route, status }) => seen.push({ route, status }) }));
    fake.failNext({ method: 'GET', pathPattern: '/repos/{owner}/{repo}/issues/{issue_number}', status: 500 });
    const issue = await tracker.getIssue(repo, 1);
    expect(issue.title).toBe('NWConnection stalls');
    expect(seen).toEqual([
      { route: '/repos/{owner}/{repo}/issues/{issue_number}', status: 500 },
      { route: '/repos/{owner}/{repo}/issues/{issue_number}', status: 200 },
    ]);
  });

  it('gives up on a lasting 5xx with a retryable GITHUB_UNAVAILABLE', async () => {
    const tracker = createOctokitIssueTracker(quickOptions(fake, { retries: 1 }));
    fake.failNext(
      { method: 'GET', pathPattern: '/repos/acme/widgets/issues/1', status: 502 },
      { method: 'GET', pathPattern: '/repos/acme/widgets/issues/1', status: 502 },
    );
    const failure = await tracker.getIssue(repo, 1).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'GITHUB_UNAVAILABLE', retryable: true, httpStatus: 502 });
    expect(fake.requests.filter((request) => request.path === '/repos/acme/widgets/issues/1')).toHaveLength(2);
  });

  it('maps a 404 to GITHUB_NOT_FOUND without retrying', async () => {
    const tracker = createOctokitIssueTracker(quickOptions(fake));
    await expect(tracker.listComments(repo, 999)).rejects.toMatchObject({ code: 'GITHUB_NOT_FOUND', retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('maps a permissions 403 to GITHUB_FORBIDDEN and a rejected body to GITHUB_UNPROCESSABLE', async () => {
    const tracker = createOctokitIssueTracker(quickOptions(fake));
    fake.failNext({ method: 'POST', pathPattern: '/repos/{owner}/{repo}/issues/{issue_number}/comments', status: 403, message: 'Resource not accessible by integration' });
    await expect(tracker.createComment(repo, 1, 'hi')).rejects.toMatchObject({ code: 'GITHUB_FORBIDDEN', audience: 'user', retryable: false });
    await expect(tracker.createComment(repo, 1, 'x'.repeat(70_000))).rejects.toMatchObject({ code: 'GITHUB_UNPROCESSABLE', retryable: false });
  });

  it('waits out a secondary rate limit as GitHub asks, then succeeds', async () => {
    const waits: number[] = [];
    const { logger, lines } = captureLogs();
    const tracker = createOctokitIssueTracker(quickOptions(fake, { logger, onRateLimitWait: (seconds) => waits.push(seconds) }));
    fake.setFaults({ failNext: [{ method: 'POST', pathPattern: '/repos/{owner}/{repo}/issues/{issue_number}/comments', status: 403, headers: { 'retry-after': '1' }, message: 'You have exceeded a secondary rate limit.' }] });
    const before = fake.state.comments('acme', 'widgets', 1).length;
    const started = Date.now();
    await tracker.createComment(repo, 1, 'after the wait');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(waits).toEqual([1]);
    expect(fake.state.comments('acme', 'widgets', 1).length).toBe(before + 1);
    expect(lines.some((line) => line.includes('waiting before retrying'))).toBe(true);
  });

  it('waits out an exhausted quota (429) until its reset, then succeeds', async () => {
    const waits: number[] = [];
    const tracker = createOctokitIssueTracker(quickOptions(fake, { onRateLimitWait: (seconds) => waits.push(seconds) }));
    // A reset in the current second: the wait is the second past it, or none once a slow
    // machine has already crossed into the next second, so both answers are right.
    const resetSecond = Math.floor(Date.now() / 1000);
    fake.failNext({ method: 'GET', pathPattern: '/repos/{owner}/{repo}/issues/{issue_number}', status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetSecond) } });
    expect((await tracker.getIssue(repo, 1)).number).toBe(1);
    expect(waits).toHaveLength(1);
    expect([0, 1]).toContain(waits[0]);
    const attempts = fake.requests.filter((request) => request.path === '/repos/acme/widgets/issues/1');
    expect(attempts).toHaveLength(2);
    expect(Date.now()).toBeGreaterThanOrEqual((resetSecond + 1) * 1000);
  });

  it('lets concurrent calls race to create the same label without failing', async () => {
    const tracker = createOctokitIssueTracker(quickOptions(fake));
    fake.state.addIssue('acme', 'widgets', { number: 2, title: 'Second' });
    const label = { name: 'topic: race', color: '5319e7' };
    await Promise.all([tracker.addLabels(repo, 1, [label]), tracker.addLabels(repo, 2, [label])]);
    expect(fake.state.labels('acme', 'widgets').filter((existing) => existing.name === 'topic: race')).toMatchObject([{ color: '5319e7' }]);
    expect(fake.state.issue('acme', 'widgets', 1)?.labels).toContain('topic: race');
    expect(fake.state.issue('acme', 'widgets', 2)?.labels).toContain('topic: race');
  });

  it('does not wait beyond its bound: a 429 becomes GITHUB_RATE_LIMITED with the wait GitHub asked for', async () => {
    const tracker = createOctokitIssueTracker(quickOptions(fake, { maxRateLimitWaits: 0 }));
    fake.setFaults({ tooManyRequestsRate: 1, seed: 3 });
    const failure = await tracker.getIssue(repo, 1).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SbError);
    expect(failure).toMatchObject({ code: 'GITHUB_RATE_LIMITED', retryable: true, retryAfterSeconds: 1, httpStatus: 429 });
    expect(fake.requests).toHaveLength(1);
  });

  it('maps an unreachable API to GITHUB_NETWORK', async () => {
    const closed = await startFakeGitHub();
    const url = closed.url;
    await closed.close();
    const tracker = createOctokitIssueTracker({ ...quickOptions(fake, { retries: 0 }), apiUrl: url });
    await expect(tracker.getIssue(repo, 1)).rejects.toMatchObject({ code: 'GITHUB_NETWORK', retryable: true });
  });

  it('never writes the token to the log', async () => {
    const { logger, lines } = captureLogs();
    const tracker = createOctokitIssueTracker(quickOptions(fake, { logger }));
    await tracker.getIssue(repo, 1);
    await tracker.readRepoFile(repo, 'missing.yml');
    await tracker.getIssue(repo, 555).catch(() => undefined);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.join('')).not.toContain(TOKEN);
  });

  describe('as a GitHub App', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

    it('gets an installation token for the event and uses it, once per installation', async () => {
      const tracker = createOctokitIssueTracker(quickOptions(fake, { auth: { kind: 'app', appId: 1234, privateKey } }));
      await tracker.getIssue({ ...repo, installationId: 42 }, 1);
      await tracker.createComment({ ...repo, installationId: 42 }, 1, 'from the app');
      const tokenRequests = fake.requests.filter((request) => request.route === '/app/installations/{installation_id}/access_tokens');
      expect(tokenRequests.map((request) => request.path)).toEqual(['/app/installations/42/access_tokens']);
      expect(tokenRequests[0]?.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      const issued = [...fake.state.installationTokens].find(([, installationId]) => installationId === 42)?.[0];
      const repoCalls = fake.requests.filter((request) => request.path.startsWith('/repos/'));
      expect(repoCalls.map((request) => request.authorization)).toEqual([`token ${issued}`, `token ${issued}`]);
      expect(fake.state.comments('acme', 'widgets', 1).at(-1)?.user).toBe('supportbot[bot]');
    });

    it('finds the installation of a repository when the event did not name it', async () => {
      const tracker = createOctokitIssueTracker(quickOptions(fake, { auth: { kind: 'app', appId: 1234, privateKey } }));
      await tracker.getIssue(repo, 1);
      await tracker.getIssue(repo, 1);
      const routes = fake.requests.map((request) => `${request.method} ${request.path}`);
      expect(routes).toEqual([
        'GET /repos/acme/widgets/installation',
        'POST /app/installations/42/access_tokens',
        'GET /repos/acme/widgets/issues/1',
        'GET /repos/acme/widgets/issues/1',
      ]);
    });

    it('is refused a repository of another installation', async () => {
      const tracker = createOctokitIssueTracker(quickOptions(fake, { auth: { kind: 'app', appId: 1234, privateKey } }));
      fake.state.addRepo('other', 'place', { installationId: 77 });
      fake.state.addIssue('other', 'place', { number: 1, title: 'x' });
      await expect(tracker.getIssue({ owner: 'other', repo: 'place', installationId: 42 }, 1)).rejects.toMatchObject({ code: 'GITHUB_NOT_FOUND' });
    });
  });
});
