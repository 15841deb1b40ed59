import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { hasReplyMarker } from '../../src/triage/render-reply.js';
import { startFakeGitHub } from '../support/fake-github/index.js';
import { freePort, spawnService, waitForHealthy } from '../support/service-process.js';
import { testEnv, testSecret } from '../support/test-service.js';
import { openedDelivery, sendDelivery, waitFor } from '../support/webhook-client.js';

describe('a crash between posting the reply and recording it', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-crash-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('yields no second reply after the restart', async () => {
    const github = await startFakeGitHub();
    github.state.addRepo('acme', 'support');
    const question = {
      title: 'NWConnection UDP receive never called',
      body: 'On iOS 18.1 I open an NWConnection with .udp to a device on the LAN and call receiveMessage, but the completion never runs. No error is logged.',
    };
    github.state.addIssue('acme', 'support', { number: 7, ...question, user: 'asker' });

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = testEnv({ githubUrl: github.url, dataDir, env: { PORT: String(port), HOST: '127.0.0.1', JOB_LEASE_SECONDS: '2', LOG_LEVEL: 'info' } });

    const first = spawnService(env);
    let killed = false;
    github.onRequest = (request) => {
      if (!killed && request.method === 'POST' && request.route?.endsWith('/comments') && request.status === 201) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    };
    try {
      await waitForHealthy(url);
      const sent = await sendDelivery(url, 'issues', openedDelivery({ owner: 'acme', repo: 'support', number: 7, ...question }), { secret: testSecret });
      expect(sent.status).toBe(202);
      await first.exited;
      expect(killed).toBe(true);
      const comments = () => github.state.repo('acme', 'support')!.issues.get(7)!.comments.filter((comment) => hasReplyMarker(comment.body));
      expect(comments()).toHaveLength(1);

      const store = createSqliteStore({ file: path.join(dataDir, 'supportbot.db') });
      expect((await store.getDecisionForIssue('acme/support', 7))?.replyState).not.toBe('posted');

      const second = spawnService(env);
      try {
        await waitForHealthy(url);
        const decision = await waitFor(async () => {
          const record = await store.getDecisionForIssue('acme/support', 7);
          return record?.replyState === 'posted' ? record : null;
        }, { timeoutMs: 30_000, what: 'the restarted worker to finish the job' }).catch((error: Error) => {
          throw new Error(`${error.message}; its log:\n${second.output.join('').slice(-4000)}`);
        });
        expect(comments()).toHaveLength(1);
        expect(decision.replyCommentId).toBe(comments()[0].id);
        expect(second.output.join('')).toContain('the reply was already posted');
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
        await store.close();
      }
      expect(github.violations).toEqual([]);
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
      await github.close();
    }
  });
});
