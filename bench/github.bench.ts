import { Writable } from 'node:stream';
import { createOctokitIssueTracker } from '../src/github/octokit-issue-tracker.js';
import { createLogger } from '../src/log.js';
import { githubOpenApi } from '../test/support/fake-github/openapi.js';
import { startFakeGitHub } from '../test/support/fake-github/index.js';
import { median, percentile, round, timeIt, type Bench } from './harness.js';

/**
 * The Octokit adapter against its anchor, a bare `fetch` of the same issue from the same
 * local fake: what Octokit, its plugins, zod parsing and error mapping add per call. Also how
 * long the fake takes to load GitHub's OpenAPI description, which every test file using it pays once.
 */
export const run: Bench = async (context) => {
  const calls = context.quick ? 100 : 400;
  const specLoad = await timeIt(() => githubOpenApi());
  const fake = await startFakeGitHub();
  try {
    fake.state.addRepo('acme', 'bench');
    fake.state.addIssue('acme', 'bench', { number: 1, title: 'Packet tunnel provider stops', body: 'It stops after sleep.' });
    const repo = { owner: 'acme', repo: 'bench' };
    const silent = createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
    const tracker = createOctokitIssueTracker({
      apiUrl: fake.url,
      auth: { kind: 'token', token: 'bench-token' },
      logger: silent,
      writeSpacingMs: 0,
      notifyingWriteSpacingMs: 0,
    });

    const measure = async (fn: () => Promise<unknown>) => {
      for (let warm = 0; warm < 20; warm += 1) await fn();
      const samples: number[] = [];
      for (let index = 0; index < calls; index += 1) samples.push((await timeIt(fn)).ms);
      return { median: median(samples), p95: percentile(samples, 95) };
    };
    const anchor = await measure(async () => {
      const response = await fetch(`${fake.url}/repos/acme/bench/issues/1`, { headers: { authorization: 'token bench-token' } });
      await response.json();
    });
    const getIssue = await measure(() => tracker.getIssue(repo, 1));
    const createComment = await measure(() => tracker.createComment(repo, 1, 'bench reply'));

    context.print(`spec load: ${round(specLoad.ms, 0)} ms`);
    context.print(`bare fetch (anchor): median ${round(anchor.median, 2)} ms, p95 ${round(anchor.p95, 2)} ms`);
    context.print(`tracker.getIssue: median ${round(getIssue.median, 2)} ms (${round(getIssue.median / anchor.median, 2)}x anchor), p95 ${round(getIssue.p95, 2)} ms`);
    context.print(`tracker.createComment: median ${round(createComment.median, 2)} ms (${round(createComment.median / anchor.median, 2)}x anchor)`);
    return {
      name: 'github',
      figures: {
        calls,
        specLoadMs: round(specLoad.ms, 0),
        anchorFetchMs: { median: round(anchor.median), p95: round(anchor.p95) },
        getIssueMs: { median: round(getIssue.median), p95: round(getIssue.p95), ratioToAnchor: round(getIssue.median / anchor.median, 2) },
        createCommentMs: { median: round(createComment.median), p95: round(createComment.p95), ratioToAnchor: round(createComment.median / anchor.median, 2) },
        violations: fake.violations.length,
      },
    };
  } finally {
    await fake.close();
  }
};
