import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classify, trainModel, type KnowledgeBase } from '../../src/classify/index.js';
import { createLogger } from '../../src/log.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { makeModelCurrent, syncCurrentModel, withStoredModel } from '../../src/training/model-sync.js';
import { retrainModel, TrainingDataMissingError, type RetrainDeps } from '../../src/training/retrain.js';
import { tinyExamples, tinyKb } from '../classify/fixtures/tiny-kb.js';

const logger = createLogger({ level: 'silent' });
/** Few folds and calibration folds: the tiny corpus has only two examples of some topics. */
const trainOptions = { calibrationFolds: 2 };

/** Issues a maintainer filed under `vpn` although they speak of sockets words the corpus ties to `sockets`. */
const correctedIssues = [
  { number: 1, title: 'Tunnel socket closes when the Mac sleeps', body: 'My packet tunnel keeps a TCP socket open and it closes on sleep.' },
  { number: 2, title: 'UDP inside the tunnel provider', body: 'Sending UDP from the packet tunnel provider to the VPN server fails.' },
  { number: 3, title: 'Tunnel provider TCP to server', body: 'The VPN tunnel provider opens a TCP connection to our server; it resets.' },
];

describe('retraining from corrections', () => {
  let store: Store;
  let dir: string;
  let kb: KnowledgeBase;
  let deps: RetrainDeps;

  beforeEach(async () => {
    store = createSqliteStore({ file: ':memory:' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-retrain-'));
    const corpusFile = path.join(dir, 'corpus.jsonl');
    fs.writeFileSync(corpusFile, tinyExamples.map((example) => JSON.stringify(example)).join('\n'));
    kb = { ...tinyKb, model: trainModel(tinyExamples, tinyKb, trainOptions) };
    deps = {
      store,
      knowledge: () => kb,
      setKnowledge: (next) => {
        kb = next;
      },
      corpusFiles: [corpusFile, path.join(dir, 'absent.jsonl')],
      now: () => new Date('2025-03-10T12:00:00Z'),
      logger,
      folds: 2,
      trainOptions,
    };
    for (const issue of correctedIssues) {
      await store.upsertIssue({ repo: 'acme/app', ...issue, state: 'open', answered: false, isPrivate: false, url: `https://github.com/acme/app/issues/${issue.number}`, updatedAt: '2025-03-01T00:00:00Z' });
      await store.recordCorrection({ repo: 'acme/app', issueNumber: issue.number, decisionId: null, fromTopic: 'sockets', toTopic: 'vpn', actor: 'maintainer', source: 'dashboard', createdAt: '2025-03-05T00:00:00Z' });
    }
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function trained() {
    const outcome = await retrainModel(deps);
    if (outcome.kind !== 'trained') throw new Error('expected a new model');
    return outcome;
  }

  it('stores the old and the new version with figures from the same held-out folds; the new one learned the corrections', async () => {
    const committed = kb.model.version;
    const outcome = await trained();
    expect(outcome.previous.version).toBe(committed);
    expect(outcome.model.version).not.toBe(committed);
    expect(outcome.model.training.examples).toBe(tinyExamples.length + correctedIssues.length);
    expect(outcome.figures).toMatchObject({ corrections: 3, folds: 2, examples: tinyExamples.length + correctedIssues.length });
    // Both judged on the same held-out questions, labelled as the maintainers last said.
    expect(outcome.previous.figures).toMatchObject({ corrections: 0, examples: outcome.figures.examples });

    const versions = await store.listModelVersions();
    expect(versions.map((version) => version.version).sort()).toEqual([committed, outcome.model.version].sort());
    expect(versions.find((version) => version.version === committed)?.metrics).toMatchObject({ corrections: 0, trainedThrough: null });
    expect(versions.find((version) => version.version === outcome.model.version)?.metrics).toMatchObject({ corrections: 3, trainedThrough: '2025-03-05T00:00:00Z' });
    const current = versions.filter((version) => version.current).map((version) => version.version);
    expect(current).toEqual([outcome.promoted ? outcome.model.version : committed]);
    expect(kb.model.version).toBe(current[0]);
  });

  it('switches to a model that learned consistent corrections, and a rollback brings the old one back', async () => {
    const committed = kb.model.version;
    const outcome = await trained();
    expect(outcome.figures.macroF1).toBeGreaterThanOrEqual(outcome.previous.figures.macroF1);
    expect(outcome.promoted).toBe(true);
    expect(kb.model.version).toBe(outcome.model.version);
    const verdict = classify(kb, { title: 'UDP inside the tunnel provider', body: 'Sending UDP from the packet tunnel provider fails.' });
    expect(verdict.modelVersion).toBe(outcome.model.version);
    await makeModelCurrent(deps, committed);
    expect(kb.model.version).toBe(committed);
    expect((await store.listModelVersions()).filter((version) => version.current).map((version) => version.version)).toEqual([committed]);
  });

  it('says so when nothing changed since the model in use was trained', async () => {
    const outcome = await trained();
    expect(outcome.promoted).toBe(true);
    expect(await retrainModel(deps)).toEqual({ kind: 'unchanged', version: outcome.model.version });
    expect(await store.listModelVersions()).toHaveLength(2);
  });

  it('another process picks up the current version from the store', async () => {
    const outcome = await trained();
    await makeModelCurrent(deps, outcome.model.version);
    let other: KnowledgeBase = { ...tinyKb, model: trainModel(tinyExamples, tinyKb, trainOptions) };
    const switched = await syncCurrentModel({ store, logger, knowledge: () => other, setKnowledge: (next) => (other = next) });
    expect(switched).toBe(true);
    expect(other.model.version).toBe(outcome.model.version);
    expect((await withStoredModel(store, other)).model.version).toBe(outcome.model.version);
  });

  it('refuses to train without a corpus, saying where it looked', async () => {
    await expect(retrainModel({ ...deps, corpusFiles: [path.join(dir, 'nothing.jsonl')] })).rejects.toThrow(TrainingDataMissingError);
    expect(await store.listModelVersions()).toEqual([]);
  });
});
