import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trainModel, type KnowledgeBase } from '../../src/classify/index.js';
import { createLogger } from '../../src/log.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { correctionsSinceLastTraining, watchModelVersions } from '../../src/training/model-sync.js';
import { waitFor } from '../support/webhook-client.js';
import { tinyExamples, tinyKb } from '../classify/fixtures/tiny-kb.js';

const logger = createLogger({ level: 'silent' });

describe('automatic retrain after RETRAIN_AFTER corrections', () => {
  let store: Store;
  let kb: KnowledgeBase;
  let stop: () => void = () => undefined;

  beforeEach(() => {
    store = createSqliteStore({ file: ':memory:' });
    kb = { ...tinyKb, model: trainModel(tinyExamples, tinyKb, { calibrationFolds: 2 }) };
  });
  afterEach(async () => {
    stop();
    await store.close();
  });

  async function correct(issueNumber: number, createdAt: string) {
    await store.recordCorrection({ repo: 'acme/app', issueNumber, decisionId: null, fromTopic: 'http', toTopic: 'vpn', actor: 'maintainer', source: 'github', createdAt });
  }

  it('counts corrections since the newest trained version, promoted or not', async () => {
    await correct(1, '2025-03-01T00:00:00Z');
    await correct(2, '2025-03-03T00:00:00Z');
    expect(await correctionsSinceLastTraining(store)).toBe(2);
    await store.saveModelVersion({ version: 'kept-aside', createdAt: '2025-03-02T00:00:00Z', trainingSize: 1, metrics: {}, current: false }, '{}');
    expect(await correctionsSinceLastTraining(store)).toBe(1);
  });

  it('retrains once the threshold is reached, and one process at a time', async () => {
    await correct(1, '2025-03-01T00:00:00Z');
    let retrains = 0;
    const deps = {
      store,
      logger,
      knowledge: () => kb,
      setKnowledge: (next: KnowledgeBase) => {
        kb = next;
      },
      now: () => new Date('2025-03-10T00:00:00Z'),
      retrain: async () => {
        retrains++;
      },
    };
    stop = watchModelVersions({ ...deps, retrainAfter: 2 }, 10);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(retrains).toBe(0);
    stop();

    await correct(2, '2025-03-02T00:00:00Z');
    stop = watchModelVersions({ ...deps, retrainAfter: 2 }, 10);
    await waitFor(() => retrains === 1, { what: 'the automatic retrain' });
    // A second process polling the same store finds the lease taken.
    const other = watchModelVersions({ ...deps, retrainAfter: 2 }, 10);
    await new Promise((resolve) => setTimeout(resolve, 60));
    other();
    expect(retrains).toBe(1);
  });
});
