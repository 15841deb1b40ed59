import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { repoRoot } from '../support/shared-dir.js';

const TOKEN = 'personal-token';

async function call(fake: FakeGitHub, method: string, urlPath: string, body?: unknown) {
  const response = await fetch(`${fake.url}${urlPath}`, {
    method,
    headers: { authorization: `token ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('fake GitHub', () => {
  let fake: FakeGitHub;

  beforeAll(async () => {
    fake = await startFakeGitHub({ checkResponses: true });
    fake.state.addRepo('acme', 'widgets');
    fake.state.addIssue('acme', 'widgets', { number: 1, title: 'Proxy settings ignored', body: 'URLSession skips the PAC file.' });
  });
  afterEach(() => {
    fake.violations.length = 0;
    fake.setFaults({});
  });
  afterAll(() => fake.close());

  it('rejects a body that does not match the operation schema, and records why', async () => {
    const answer = await call(fake, 'POST', '/repos/acme/widgets/issues/1/comments', { body: 42 });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('body/body must be string');
    expect(fake.violations).toEqual(['POST /repos/acme/widgets/issues/1/comments: body/body must be string']);
    expect(fake.state.comments('acme', 'widgets', 1)).toEqual([]);
  });

  it('rejects paths and methods GitHub does not have, and unknown or mistyped query parameters', async () => {
    expect((await call(fake, 'GET', '/repos/acme/widgets/issuez/1')).status).toBe(404);
    expect((await call(fake, 'PUT', '/repos/acme/widgets/issues/1/comments', { body: 'x' })).status).toBe(404);
    expect((await call(fake, 'GET', '/repos/acme/widgets/issues/1/comments?per_page=many&colour=red')).status).toBe(400);
    expect(fake.violations).toEqual([
      'GET /repos/acme/widgets/issuez/1: not a GitHub REST API path',
      'PUT /repos/acme/widgets/issues/1/comments: PUT is not defined for /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'GET /repos/acme/widgets/issues/1/comments: query parameter per_page="many" must be an integer',
      'GET /repos/acme/widgets/issues/1/comments: unknown query parameter colour',
    ]);
  });

  it('answers 501 for a real GitHub route it does not implement, as a violation', async () => {
    const answer = await call(fake, 'GET', '/repos/acme/widgets/pulls');
    expect(answer.status).toBe(501);
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]).toContain('pulls/list');
  });

  it('pages lists with Link headers that lead to every item', async () => {
    fake.state.addIssue('acme', 'widgets', { number: 2, title: 'Many comments' });
    for (let index = 0; index < 5; index += 1) fake.state.addComment('acme', 'widgets', 2, { body: `note ${index}` });
    const first = await call(fake, 'GET', '/repos/acme/widgets/issues/2/comments?per_page=2');
    expect((first.body as unknown[]).length).toBe(2);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toBe(`${fake.url}/repos/acme/widgets/issues/2/comments?per_page=2&page=2`);
    const last = await call(fake, 'GET', '/repos/acme/widgets/issues/2/comments?per_page=2&page=3');
    expect((last.body as Array<{ body: string }>).map((comment) => comment.body)).toEqual(['note 4']);
    expect(last.headers.get('link')).not.toContain('rel="next"');
    expect(fake.violations).toEqual([]);
  });

  it('answers creating an existing label with 422 already_exists, as GitHub does', async () => {
    expect((await call(fake, 'POST', '/repos/acme/widgets/labels', { name: 'topic: vpn', color: 'aabbcc' })).status).toBe(201);
    const again = await call(fake, 'POST', '/repos/acme/widgets/labels', { name: 'Topic: VPN', color: 'aabbcc' });
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ errors: [{ code: 'already_exists', field: 'name' }] });
    expect(fake.violations).toEqual([]);
  });

  it('replays the same random faults for the same seed', async () => {
    const statuses = async () => {
      fake.setFaults({ rate: 0.3, secondaryRateLimitRate: 0.2, tooManyRequestsRate: 0.1, seed: 99 });
      const seen: number[] = [];
      for (let index = 0; index < 30; index += 1) seen.push((await call(fake, 'GET', '/repos/acme/widgets/issues/1')).status);
      return seen;
    };
    const first = await statuses();
    expect(await statuses()).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 500, 403, 429]));
  });

  it('calls onRequest after the answer, with what was recorded', async () => {
    const seen: string[] = [];
    fake.onRequest = (request) => seen.push(`${request.operationId} ${request.status}`);
    await call(fake, 'POST', '/repos/acme/widgets/issues/1/comments', { body: 'ping' });
    fake.onRequest = undefined;
    expect(seen).toEqual(['issues/create-comment 201']);
  });
});

describe('fake GitHub, driven by a stock Octokit through every operation it implements', () => {
  it('changes state as GitHub would and answers in the documented shapes', async () => {
    const fake = await startFakeGitHub({ checkResponses: true });
    try {
      fake.state.addRepo('acme', 'tour');
      fake.state.setFile('acme', 'tour', 'docs/a.md', 'A');
      fake.state.setFile('acme', 'tour', 'docs/deep/b.md', 'B');
      const octokit = new Octokit({ baseUrl: fake.url, auth: TOKEN });
      const base = { owner: 'acme', repo: 'tour' };
      const { data: created } = await octokit.rest.issues.create({ ...base, title: 'Multipath TCP', body: 'Is it on?', labels: ['question'] });
      await octokit.rest.issues.update({ ...base, issue_number: created.number, title: 'Multipath TCP on iOS', state: 'closed' });
      const { data: comment } = await octokit.rest.issues.createComment({ ...base, issue_number: created.number, body: 'first' });
      await octokit.rest.issues.updateComment({ ...base, comment_id: comment.id, body: 'edited' });
      expect((await octokit.rest.issues.getComment({ ...base, comment_id: comment.id })).data.body).toBe('edited');
      await octokit.rest.issues.setLabels({ ...base, issue_number: created.number, labels: ['topic: tcp', 'question'] });
      expect((await octokit.rest.issues.listLabelsOnIssue({ ...base, issue_number: created.number })).data.map((label) => label.name)).toEqual(['topic: tcp', 'question']);
      expect((await octokit.rest.issues.listLabelsForRepo(base)).data.map((label) => label.name)).toEqual(['question', 'topic: tcp']);
      expect((await octokit.rest.issues.getLabel({ ...base, name: 'topic: tcp' })).data.color).toBe('ededed');
      await octokit.rest.issues.removeAllLabels({ ...base, issue_number: created.number });
      await octokit.rest.issues.deleteComment({ ...base, comment_id: comment.id });
      const closed = await octokit.rest.issues.listForRepo({ ...base, state: 'closed' });
      expect(closed.data.map((issue) => ({ title: issue.title, state: issue.state, labels: issue.labels, comments: issue.comments }))).toEqual([
        { title: 'Multipath TCP on iOS', state: 'closed', labels: [], comments: 0 },
      ]);
      expect((await octokit.rest.issues.listForRepo(base)).data).toEqual([]);
      const listing = await octokit.rest.repos.getContent({ ...base, path: 'docs' });
      expect((listing.data as Array<{ path: string; type: string }>).map(({ path: entryPath, type }) => ({ path: entryPath, type }))).toEqual([
        { path: 'docs/a.md', type: 'file' },
        { path: 'docs/deep', type: 'dir' },
      ]);
      expect(fake.violations).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

describe('fake GitHub as its own process', () => {
  it('prints its URL, serves state and takes fault plans over HTTP', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/support/fake-github/main.ts'), '--port', '0', '--repo', 'acme/soak:9'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`fake exited with ${code}`)));
      });
      const { url } = JSON.parse(firstLine) as { url: string };
      const faults = await fetch(`${url}/__fake/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rate: 1, seed: 5 }) });
      expect(faults.status).toBe(200);
      expect((await fetch(`${url}/repos/acme/soak/issues/1`)).status).toBe(500);
      const state = (await (await fetch(`${url}/__fake/state`)).json()) as { repos: Array<{ owner: string; name: string; installationId: number }> };
      expect(state.repos).toMatchObject([{ owner: 'acme', name: 'soak', installationId: 9 }]);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
