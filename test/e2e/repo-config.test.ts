import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasReplyMarker } from '../../src/triage/render-reply.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { startTestService, testSecret, type TestService } from '../support/test-service.js';
import { openedDelivery, sendDelivery, waitFor } from '../support/webhook-client.js';

const question = {
  title: 'Packet tunnel provider stops after the device sleeps',
  body: 'Our NEPacketTunnelProvider on iOS 17.5 stops passing traffic after the phone sleeps for an hour. The log shows "NEPacketTunnelFlow read failed" and the tunnel never reconnects. ```swift\npacketFlow.readPackets { packets, protocols in }\n```',
};

function pushDelivery(fullName: string, files: string[], ref = 'refs/heads/main') {
  const [owner, name] = fullName.split('/');
  return {
    ref,
    before: '0'.repeat(40),
    after: '1'.repeat(40),
    repository: { name, full_name: fullName, default_branch: 'main', private: false, owner: { login: owner } },
    commits: [{ id: '1'.repeat(40), added: [], modified: files, removed: [] }],
    head_commit: { id: '1'.repeat(40), added: [], modified: files, removed: [] },
    sender: { login: 'maintainer', type: 'User' },
  };
}

describe('per-repository config from .github/supportbot.yml', () => {
  let github: FakeGitHub;
  let bot: TestService;

  beforeAll(async () => {
    github = await startFakeGitHub();
    github.state.addRepo('acme', 'quiet');
    bot = await startTestService({ githubUrl: github.url });
  });
  afterAll(async () => {
    await bot.stop();
    await github.close();
  });

  const issue = (number: number) => github.state.repo('acme', 'quiet')!.issues.get(number)!;

  it('in shadow mode decides and records but touches nothing on GitHub; a push switches it on', async () => {
    github.state.repo('acme', 'quiet')!.files.set('.github/supportbot.yml', 'mode: shadow\n');
    github.state.addIssue('acme', 'quiet', { number: 1, ...question });
    await sendDelivery(bot.url, 'issues', openedDelivery({ owner: 'acme', repo: 'quiet', number: 1, ...question }), { secret: testSecret });
    const shadowed = await waitFor(() => bot.service.store.getDecisionForIssue('acme/quiet', 1), { what: 'the shadow decision' });
    await bot.service.queue.drain();
    expect(shadowed).toMatchObject({ mode: 'shadow', topic: 'network-extension' });
    expect(issue(1).labels).toEqual([]);
    expect(issue(1).comments).toEqual([]);

    github.state.repo('acme', 'quiet')!.files.set('.github/supportbot.yml', 'mode: on\nlabels:\n  "topic: Network Extension": vpn\n');
    const pushed = await sendDelivery(bot.url, 'push', pushDelivery('acme/quiet', ['.github/supportbot.yml']), { secret: testSecret });
    expect(pushed).toMatchObject({ status: 202, body: { status: 'config-changed' } });

    github.state.addIssue('acme', 'quiet', { number: 2, ...question });
    await sendDelivery(bot.url, 'issues', openedDelivery({ owner: 'acme', repo: 'quiet', number: 2, ...question }), { secret: testSecret });
    await waitFor(() => issue(2).comments.some((comment) => hasReplyMarker(comment.body)), { what: 'the reply once switched on' });
    expect(issue(2).labels).toContain('vpn');
  });

  it('ignores pushes that do not touch the config file or the default branch', async () => {
    const other = await sendDelivery(bot.url, 'push', pushDelivery('acme/quiet', ['README.md']), { secret: testSecret });
    expect(other).toMatchObject({ status: 202, body: { status: 'ignored' } });
    const branch = await sendDelivery(bot.url, 'push', pushDelivery('acme/quiet', ['.github/supportbot.yml'], 'refs/heads/feature'), { secret: testSecret });
    expect(branch).toMatchObject({ status: 202, body: { status: 'ignored' } });
  });

  it('falls back to shadow mode on a config with an unknown key, and reports the error', async () => {
    github.state.addRepo('acme', 'typo');
    github.state.repo('acme', 'typo')!.files.set('.github/supportbot.yml', 'mode: on\nrepy: false\n');
    github.state.addIssue('acme', 'typo', { number: 1, ...question });
    await sendDelivery(bot.url, 'issues', openedDelivery({ owner: 'acme', repo: 'typo', number: 1, ...question }), { secret: testSecret });
    const decision = await waitFor(() => bot.service.store.getDecisionForIssue('acme/typo', 1), { what: 'the decision' });
    expect(decision.mode).toBe('shadow');
    expect((await bot.service.repoSettings.errors()).get('acme/typo')).toEqual(['unknown key(s): repy']);
    expect(github.state.repo('acme', 'typo')!.issues.get(1)!.comments).toEqual([]);
    expect(github.violations).toEqual([]);
  });
});
