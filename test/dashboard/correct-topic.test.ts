import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/classify/index.js';
import { defaultRepoSettings } from '../../src/config/repo-config.js';
import { correctTopic } from '../../src/dashboard/correct-topic.js';
import { createMemoryIssueTracker } from '../../src/github/memory-issue-tracker.js';
import { createLogger } from '../../src/log.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { repoRoot } from '../support/shared-dir.js';

const kb = loadKnowledgeBase(path.join(repoRoot, 'classifiers', 'networking'));

describe('correctTopic on an issue the bot abstained on', () => {
  it('adds the topic label and takes "needs human" off, recording who did it', async () => {
    const store = createSqliteStore({ file: ':memory:' });
    const tracker = createMemoryIssueTracker();
    const repoRef = { owner: 'acme', repo: 'support' };
    tracker.seedIssue(repoRef, { number: 3, title: 'Hotspot question', body: 'Which API joins a network?', labels: ['triage: needs human'] });
    const decision = await store.saveDecision({
      deliveryId: 'd-3', repo: 'acme/support', issueNumber: 3, issueTitle: 'Hotspot question', issueUrl: 'https://github.com/acme/support/issues/3',
      modelVersion: kb.model.version, ranking: [], topic: null, confidence: 0.4, abstained: true, missingInfo: [], labels: ['triage: needs human'],
      resources: [], similar: [], terms: [], mode: 'on', replyBody: null, timings: {}, receivedAt: '2026-01-01T00:00:00Z', decidedAt: '2026-01-01T00:00:01Z',
    });
    const outcome = await correctTopic(
      {
        store,
        tracker,
        knowledge: () => kb,
        repoSettings: async () => ({ ok: true, settings: defaultRepoSettings }),
        installationIdOf: async () => undefined,
        now: () => new Date('2026-01-02T00:00:00Z'),
        logger: createLogger({ level: 'silent' }),
      },
      { decision, toTopic: 'wifi', actor: 'maintainer' },
    );
    expect(outcome).toMatchObject({ kind: 'corrected', fromTopic: null, toTopic: 'wifi', github: 'updated' });
    expect(tracker.issue(repoRef, 3)?.labels).toEqual(['topic: Wi-Fi']);
    expect(await store.listCorrections()).toMatchObject([{ actor: 'maintainer', source: 'dashboard', toTopic: 'wifi' }]);
    await store.close();
  });
});
