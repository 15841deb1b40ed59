import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillRepository } from '../../src/cli/backfill.js';
import { createGithubClients } from '../../src/github/octokit-clients.js';
import { createLogger } from '../../src/log.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { hasReplyMarker } from '../../src/triage/render-reply.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { startTestService, testSecret, type TestService } from '../support/test-service.js';
import { openedDelivery, sendDelivery, waitFor } from '../support/webhook-client.js';

/** Written for this test: an old, closed question and a new one on the same narrow problem. */
const earlierQuestion = {
  title: 'Packet tunnel provider stops passing traffic after the device sleeps',
  body: 'Our NEPacketTunnelProvider works until the iPhone sleeps. After it wakes, the tunnel is still up but no packets flow until we reconnect the VPN.',
};
const newQuestion = {
  title: 'VPN packet tunnel passes no traffic after the iPhone wakes from sleep',
  body: 'When the device sleeps and wakes, our NEPacketTunnelProvider tunnel stays connected but no packets flow. Reconnecting the VPN fixes it.',
};

describe('a backfill run beside the running service', () => {
  let github: FakeGitHub;
  let bot: TestService;

  beforeAll(async () => {
    github = await startFakeGitHub();
    github.state.addRepo('acme', 'support');
    bot = await startTestService({ githubUrl: github.url, similarFollowMs: 50 });
  });
  afterAll(async () => {
    await bot?.stop();
    await github?.close();
  });

  it('feeds the issues it imports into the running worker’s suggestions, without a restart', async () => {
    github.state.addIssue('acme', 'support', { number: 1, ...earlierQuestion, state: 'closed' });
    // The CLI in another process opens the same SQLite file; a second handle here does the same.
    const backfillStore = createSqliteStore({ file: path.join(bot.dataDir, 'supportbot.db') });
    const logger = createLogger({ level: 'silent' });
    const clients = createGithubClients({ apiUrl: github.url, auth: { kind: 'token', token: 'ghp_backfill' }, logger });
    const imported = await backfillRepository({ clients, store: backfillStore }, { owner: 'acme', repo: 'support' });
    await backfillStore.close();
    expect(imported.imported).toBe(1);
    await waitFor(() => bot.logLines.some((line) => line.includes('applied issue changes from the store')), { what: 'the worker to read the imported issue' });

    github.state.addIssue('acme', 'support', { number: 2, ...newQuestion, user: 'asker' });
    const sent = await sendDelivery(bot.url, 'issues', openedDelivery({ owner: 'acme', repo: 'support', number: 2, ...newQuestion }), { secret: testSecret });
    expect(sent.status).toBe(202);
    const decision = await waitFor(async () => {
      const record = await bot.service.store.getDecisionForIssue('acme/support', 2);
      return record?.replyState === 'posted' ? record : null;
    }, { what: 'the reply' });
    expect(decision.similar.map((ref) => ref.number)).toEqual([1]);
    const reply = github.state.repo('acme', 'support')!.issues.get(2)!.comments.find((comment) => hasReplyMarker(comment.body));
    expect(reply?.body).toContain('/acme/support/issues/1');
  });
});
