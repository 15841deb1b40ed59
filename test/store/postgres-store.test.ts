import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import { applyPostgresMigrations, postgresMigrations } from '../../src/store/postgres-migrations.js';
import type { Store } from '../../src/store/store.js';
import type { DecisionInput, StoredIssue } from '../../src/store/types.js';
import { pgBinDir, pgMissingMessage, startPgCluster, type PgCluster } from '../support/pg-cluster.js';

const hasPostgres = pgBinDir() !== null;
if (!hasPostgres) console.warn(pgMissingMessage);

function decision(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    deliveryId: 'delivery-1',
    repo: 'acme/app',
    issueNumber: 1,
    issueTitle: 'Socket closes after the app goes to background',
    issueUrl: 'https://github.com/acme/app/issues/1',
    modelVersion: 'model-1',
    ranking: [{ topic: 'background', score: 0.7 }, { topic: 'other', score: 0.3 }],
    topic: 'background',
    confidence: 0.7,
    abstained: false,
    missingInfo: ['os-version'],
    labels: ['topic:background'],
    resources: [{ id: 'r1', title: 'Background networking', url: 'https://example.com/r1', why: 'mentions background', score: 0.5 }],
    similar: [{ repo: 'acme/app', number: 0, title: 'Earlier report', url: 'https://github.com/acme/app/issues/0', score: 0.4, answered: true }],
    terms: [{ term: 'background', weight: 0.9 }, { term: 'constructor', weight: 0.1 }],
    mode: 'on',
    replyBody: null,
    timings: { classify: 3, total: 40 },
    receivedAt: '2026-01-01T10:00:00.000Z',
    decidedAt: '2026-01-01T10:00:01.000Z',
    ...overrides,
  };
}

function issue(repo: string, number: number): StoredIssue {
  return {
    repo,
    number,
    title: `Issue ${number}`,
    body: 'Some body text',
    state: 'closed',
    answered: number % 2 === 0,
    isPrivate: false,
    url: `https://github.com/${repo}/issues/${number}`,
    updatedAt: '2026-01-02T00:00:00.000Z',
  };
}

describe.skipIf(!hasPostgres)('PostgreSQL store', () => {
  let cluster: PgCluster;
  let store: Store;
  let schemaCounter = 0;
  const freshStore = () => createPostgresStore({ connectionString: cluster.connectionString, schema: `store_${++schemaCounter}` });

  beforeAll(async () => {
    cluster = await startPgCluster();
    store = await freshStore();
  });

  afterAll(async () => {
    await store?.close();
    await cluster?.stop();
  });

  it('answers ping and says it is the postgres kind', async () => {
    expect(store.kind).toBe('postgres');
    expect(await store.ping()).toBe(true);
  });

  it('applies migrations once even when several processes start at the same moment', async () => {
    const schema = 'concurrent_start';
    const stores = await Promise.all(
      Array.from({ length: 5 }, () => createPostgresStore({ connectionString: cluster.connectionString, schema, poolSize: 2 })),
    );
    const client = new pg.Client({ connectionString: cluster.connectionString });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT version FROM ${schema}.schema_version ORDER BY version`);
      expect(rows.map((row) => row.version)).toEqual(postgresMigrations.map((migration) => migration.version));
      expect(await applyPostgresMigrations(client, schema)).toBe(postgresMigrations.at(-1)?.version);
    } finally {
      await client.end();
      await Promise.all(stores.map((each) => each.close()));
    }
  });

  it('records a delivery once and reports the redelivery', async () => {
    const delivery = {
      deliveryId: 'd-1', event: 'issues', action: 'opened', repo: 'acme/app', issueNumber: 4,
      receivedAt: '2026-01-01T00:00:00.000Z', status: 'queued' as const, reason: null,
    };
    expect(await store.recordDelivery(delivery)).toBe(true);
    expect(await store.recordDelivery({ ...delivery, status: 'ignored', reason: 'again' })).toBe(false);
    expect(await store.getDelivery('d-1')).toEqual(delivery);
    expect(await store.getDelivery('missing')).toBeNull();
    expect(await store.countDeliveries()).toBe(1);
  });

  it('keeps one decision per issue and round-trips every field', async () => {
    const first = await store.saveDecision(decision({ issueNumber: 10 }));
    const second = await store.saveDecision(decision({ issueNumber: 10, topic: 'tls', deliveryId: 'delivery-2' }));
    expect(second.id).toBe(first.id);
    expect(second.topic).toBe('tls');
    expect(second).toMatchObject({ ...decision({ issueNumber: 10, topic: 'tls', deliveryId: 'delivery-2' }), replyState: 'none', correctedTopic: undefined });
    expect(await store.getDecisionForIssue('acme/app', 10)).toEqual(second);
  });

  it('lets exactly one of many concurrent workers mark the reply as posted', async () => {
    const saved = await store.saveDecision(decision({ issueNumber: 11 }));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        store.markReplied(saved.id, { commentId: 9_000_000_000 + index, url: `https://c/${index}`, body: 'hello', at: '2026-01-01T11:00:00.000Z' }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const after = await store.getDecision(saved.id);
    expect(after?.replyState).toBe('posted');
    expect(after?.replyCommentId).toBeGreaterThanOrEqual(9_000_000_000);

    const resaved = await store.saveDecision(decision({ issueNumber: 11, deliveryId: 'later' }));
    expect(resaved.replyState).toBe('posted');
    await store.setReplyState(saved.id, 'declined');
    expect((await store.getDecision(saved.id))?.replyState).toBe('posted');
  });

  it('grants the reply claim to one delivery, again to the same delivery, never after posting', async () => {
    const saved = await store.saveDecision(decision({ issueNumber: 12 }));
    const claims = await Promise.all(['a', 'b', 'c', 'd'].map((delivery) => store.claimReply(saved.id, delivery)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = ['a', 'b', 'c', 'd'][claims.indexOf(true)];
    expect(await store.claimReply(saved.id, winner)).toBe(true);
    expect(await store.markReplied(saved.id, { commentId: 1, url: 'u', body: 'b', at: '2026-01-01T00:00:00.000Z' })).toBe(true);
    expect(await store.claimReply(saved.id, winner)).toBe(false);
  });

  it('filters, searches (with % and _ taken literally), pages and counts decisions', async () => {
    const local = await freshStore();
    try {
      await local.saveDecision(decision({ repo: 'a/x', issueNumber: 1, issueTitle: '100% CPU in URLSession', decidedAt: '2026-02-01T00:00:00.000Z' }));
      await local.saveDecision(decision({ repo: 'a/x', issueNumber: 2, issueTitle: 'nw_path_monitor never fires', topic: null, abstained: true, decidedAt: '2026-02-02T00:00:00.000Z' }));
      await local.saveDecision(decision({ repo: 'b/y', issueNumber: 3, issueTitle: 'NWPATHMONITOR on watchOS', topic: 'tls', decidedAt: '2026-02-03T00:00:00.000Z' }));
      await local.recordCorrection({ repo: 'b/y', issueNumber: 3, decisionId: null, fromTopic: 'tls', toTopic: 'background', actor: 'maintainer', source: 'github', createdAt: '2026-02-04T00:00:00.000Z' });

      const titles = async (filter: Parameters<Store['listDecisions']>[0]) => (await local.listDecisions(filter)).items.map((item) => item.issueNumber);
      expect(await titles({})).toEqual([3, 2, 1]);
      expect(await titles({ repo: 'a/x' })).toEqual([2, 1]);
      expect(await titles({ topic: 'tls' })).toEqual([3]);
      expect(await titles({ abstained: true })).toEqual([2]);
      expect(await titles({ corrected: true })).toEqual([3]);
      expect(await titles({ corrected: false })).toEqual([2, 1]);
      expect(await titles({ since: '2026-02-02T00:00:00.000Z', until: '2026-02-02T23:59:59.999Z' })).toEqual([2]);
      expect(await titles({ search: '100%' })).toEqual([1]);
      expect(await titles({ search: '0%' })).toEqual([1]);
      expect(await titles({ search: 'nw_path' })).toEqual([2]);
      expect(await titles({ search: 'nwpath' })).toEqual([3]);
      expect(await titles({ search: '%' })).toEqual([1]);

      const page = await local.listDecisions({ limit: 1, offset: 1 });
      expect(page.total).toBe(3);
      expect(page.items.map((item) => item.issueNumber)).toEqual([2]);
      expect((await local.listDecisions({ offset: 10 })).total).toBe(3);
    } finally {
      await local.close();
    }
  });

  it('shows the latest correction of an issue on its decision, including a removed label', async () => {
    const saved = await store.saveDecision(decision({ issueNumber: 20 }));
    expect(saved.correctedTopic).toBeUndefined();
    expect(saved.correctedAt).toBeNull();
    await store.recordCorrection({ repo: 'acme/app', issueNumber: 20, decisionId: saved.id, fromTopic: 'background', toTopic: 'tls', actor: 'm', source: 'dashboard', createdAt: '2026-03-01T00:00:00.000Z' });
    expect((await store.getDecision(saved.id))?.correctedTopic).toBe('tls');
    const removal = await store.recordCorrection({ repo: 'acme/app', issueNumber: 20, decisionId: saved.id, fromTopic: 'tls', toTopic: null, actor: 'm', source: 'github', createdAt: '2026-03-02T00:00:00.000Z' });
    const after = await store.getDecision(saved.id);
    expect(after?.correctedTopic).toBeNull();
    expect(after?.correctedAt).toBe('2026-03-02T00:00:00.000Z');
    expect(removal.id).toBeGreaterThan(0);
    const corrections = await store.listCorrections({ repo: 'acme/app', since: '2026-03-02T00:00:00.000Z' });
    expect(corrections.map((each) => each.toTopic)).toEqual([null]);
  });

  it('pages stored issues in (repo, number) order with a cursor', async () => {
    const local = await freshStore();
    try {
      for (const [repo, number] of [['b/b', 1], ['a/a', 10], ['a/a', 2], ['B/b', 5]] as const) await local.upsertIssue(issue(repo, number));
      await local.upsertIssue({ ...issue('a/a', 2), title: 'Renamed' });
      const first = await local.listIssues({ limit: 2 });
      expect(first.map((each) => `${each.repo}#${each.number}`)).toEqual(['B/b#5', 'a/a#2']);
      expect(first[1].title).toBe('Renamed');
      const last = first.at(-1)!;
      const rest = await local.listIssues({ limit: 10, afterRepo: last.repo, afterNumber: last.number });
      expect(rest.map((each) => `${each.repo}#${each.number}`)).toEqual(['a/a#10', 'b/b#1']);
      expect((await local.listIssues({ repo: 'a/a', afterNumber: 2, limit: 10 })).map((each) => each.number)).toEqual([10]);
      await local.deleteIssue('a/a', 10);
      expect((await local.listIssues({ repo: 'a/a', limit: 10 })).map((each) => each.number)).toEqual([2]);
    } finally {
      await local.close();
    }
  });

  it('keeps exactly one current model version, even under concurrent switches', async () => {
    const local = await freshStore();
    try {
      const version = (name: string, current: boolean) => ({ version: name, createdAt: `2026-01-0${name.at(-1)}T00:00:00.000Z`, trainingSize: 10, metrics: { accuracy: 0.8 }, current });
      await local.saveModelVersion(version('v1', true), '{"model":1}');
      await local.saveModelVersion(version('v2', true), '{"model":2}');
      await local.saveModelVersion(version('v3', false), '{"model":3}');
      expect((await local.listModelVersions()).map((each) => [each.version, each.current])).toEqual([['v3', false], ['v2', true], ['v1', false]]);
      await Promise.all(['v1', 'v3', 'v1', 'v2'].map((name) => local.setCurrentModel(name)));
      expect((await local.listModelVersions()).filter((each) => each.current)).toHaveLength(1);
      expect(await local.getModelJson('v3')).toBe('{"model":3}');
      expect(await local.getModelJson('v9')).toBeNull();
      await expect(local.setCurrentModel('v9')).rejects.toThrow(/unknown model version/);
    } finally {
      await local.close();
    }
  });

  it('stores and replaces settings', async () => {
    expect(await store.getSetting('cursor')).toBeNull();
    await store.setSetting('cursor', '1');
    await store.setSetting('cursor', '2');
    expect(await store.getSetting('cursor')).toBe('2');
  });

  it('reports ping false once closed, and closing twice is harmless', async () => {
    const local = await freshStore();
    await local.close();
    await local.close();
    expect(await local.ping()).toBe(false);
  });
});
