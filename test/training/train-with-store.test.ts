import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { openStoreWithCorrections, trainWithCorrections } from '../../src/training/train-with-store.js';
import { tinyExamples, writeTinyKb } from '../classify/fixtures/tiny-kb.js';

describe('supportbot train beside a deployment', () => {
  let dir: string;
  let kbDir: string;
  let corpusFile: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-train-'));
    ({ kbDir, examplesFile: corpusFile } = writeTinyKb(dir));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uses the store only when the deployment has one with corrections, and never creates one', async () => {
    const env = { DATA_DIR: path.join(dir, 'data') };
    expect(await openStoreWithCorrections(env, dir)).toBeNull();
    expect(fs.existsSync(path.join(dir, 'data', 'supportbot.db'))).toBe(false);
    fs.mkdirSync(path.join(dir, 'data'));
    const store = createSqliteStore({ file: path.join(dir, 'data', 'supportbot.db') });
    expect(await openStoreWithCorrections(env, dir)).toBeNull();
    await store.recordCorrection({ repo: 'acme/app', issueNumber: 1, decisionId: null, fromTopic: 'http', toTopic: 'vpn', actor: 'maintainer', source: 'github', createdAt: '2025-03-01T00:00:00Z' });
    const found = await openStoreWithCorrections(env, dir);
    expect(found).not.toBeNull();
    await found?.close();
    await store.close();
  });

  it('trains on the corpus plus corrected issues and records the version in the store', async () => {
    const store = createSqliteStore({ file: ':memory:' });
    await store.upsertIssue({ repo: 'acme/app', number: 7, title: 'Tunnel socket drops on sleep', body: 'The packet tunnel TCP socket closes when the Mac sleeps.', state: 'open', answered: false, isPrivate: false, url: 'https://github.com/acme/app/issues/7', updatedAt: '2025-03-01T00:00:00Z' });
    await store.recordCorrection({ repo: 'acme/app', issueNumber: 7, decisionId: null, fromTopic: 'sockets', toTopic: 'vpn', actor: 'maintainer', source: 'github', createdAt: '2025-03-02T00:00:00Z' });
    const { model, summary } = await trainWithCorrections({ store, kbDir, corpusFiles: [corpusFile], logger: createLogger({ level: 'silent' }) });
    expect(model.training.examples).toBe(tinyExamples.length + 1);
    expect(summary).toContain('1 corrected issues');
    const versions = await store.listModelVersions();
    expect(versions.find((version) => version.version === model.version)?.metrics).toMatchObject({ corrections: 1, trainedThrough: '2025-03-02T00:00:00Z' });
    await store.close();
  });
});
