import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadKnowledgeBase } from '../../src/classify/index.js';
import { createGithubClients } from '../../src/github/octokit-clients.js';
import { createLogger } from '../../src/log.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { backfillCursorKey, backfillRepository, judgeOpenIssues } from '../../src/cli/backfill.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { repoRoot } from '../support/shared-dir.js';

const logger = createLogger({ level: 'silent' });

describe('backfill', () => {
  let github: FakeGitHub;

  beforeAll(async () => {
    github = await startFakeGitHub();
    github.state.addRepo('acme', 'history');
    const base = Date.parse('2025-01-01T00:00:00Z');
    for (let number = 1; number <= 230; number += 1) {
      github.state.addIssue('acme', 'history', {
        number,
        title: number % 2 ? `VPN tunnel drops after sleep, case ${number}` : `URLSession background download stalls, case ${number}`,
        body: number % 2 ? 'The packet tunnel provider stops when the device sleeps.' : 'A background URLSession download never finishes.',
        state: number <= 200 ? 'closed' : 'open',
        isPullRequest: number % 50 === 0,
        createdAt: new Date(base + number * 60_000).toISOString(),
      });
    }
  });
  afterAll(async () => {
    await github.close();
  });

  it('imports every issue but pull requests, resumes after an interruption, and judges open issues without touching GitHub', async () => {
    const store = createSqliteStore({ file: ':memory:' });
    const clients = createGithubClients({ apiUrl: github.url, auth: { kind: 'token', token: 'ghp_backfill' }, logger, retryBaseMs: 10 });
    const repo = { owner: 'acme', repo: 'history' };

    const pageFails = { method: 'GET', pathPattern: /\/issues$/, status: 404, message: 'page went away' };
    github.failNext(pageFails);
    const listCalls = () => github.requests.filter((request) => request.method === 'GET' && request.route === '/repos/{owner}/{repo}/issues').length;
    // The first listing request fails: nothing imported, nothing lost, no cursor.
    await expect(backfillRepository({ clients, store }, repo)).rejects.toThrow();
    expect(await store.getSetting(backfillCursorKey('acme/history'))).toBeNull();

    // The first page succeeds, the second fails: the first page's issues and the cursor are kept.
    const progress: number[] = [];
    const failSecondPage = (done: number) => {
      progress.push(done);
      if (progress.length === 1) github.failNext(pageFails);
    };
    await expect(backfillRepository({ clients, store, onProgress: failSecondPage }, repo)).rejects.toThrow();
    const cursor = await store.getSetting(backfillCursorKey('acme/history'));
    expect(progress).toEqual([98]);
    expect(cursor).not.toBeNull();
    expect(await store.listIssues({ repo: 'acme/history', limit: 1000 })).toHaveLength(98);

    const writesBefore = github.requests.filter((request) => request.method !== 'GET').length;
    const result = await backfillRepository({ clients, store }, repo);
    expect(result.since).toBe(cursor);
    const stored = await store.listIssues({ repo: 'acme/history', limit: 1000 });
    expect(stored).toHaveLength(230 - 4);
    expect(stored.some((issue) => issue.number % 50 === 0)).toBe(false);
    expect(stored.find((issue) => issue.number === 1)).toMatchObject({ state: 'closed', isPrivate: false });
    expect(listCalls()).toBeGreaterThan(3);

    const kb = loadKnowledgeBase(path.join(repoRoot, 'classifiers', 'networking'));
    const verdicts = await judgeOpenIssues(store, kb, 'acme/history');
    expect(verdicts.map((verdict) => verdict.number)).toEqual(stored.filter((issue) => issue.state === 'open').map((issue) => issue.number));
    expect(verdicts.every((verdict) => verdict.decision.length > 0)).toBe(true);
    expect(github.requests.filter((request) => request.method !== 'GET').length).toBe(writesBefore);
    expect(github.violations).toEqual([]);
    await store.close();
  });
});
