import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import type { CorrectionInput, DecisionInput, DeliveryRecord, StoredIssue } from '../../src/store/types.js';

/**
 * The behaviour every Store adapter must show. Run it per back end:
 * `describeStoreContract('sqlite', async () => ({ store, cleanup }))`. Each test gets a fresh,
 * empty store.
 *
 * Conventions the suite pins down so the back ends agree:
 * - timestamps are ISO-8601 UTC strings; `since` is inclusive and `until` exclusive, on decidedAt;
 * - listDecisions is newest first (decidedAt, then id), 50 items when no limit is given;
 * - markReplied and claimReply throw for an unknown decision id (a bug, not a lost race);
 * - stores are made with `issueChangeOverlapMs` (exported here), so the suite need not wait 10 s.
 */
export const issueChangeOverlapMs = 200;

export function describeStoreContract(
  name: string,
  makeStore: () => Promise<{ store: Store; cleanup(): Promise<void> }>,
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });

    afterEach(async () => {
      await cleanup();
    });

    describe('deliveries', () => {
      it('records a delivery once and reports redeliveries', async () => {
        const delivery = makeDelivery({ deliveryId: 'd-1' });
        expect(await store.recordDelivery(delivery)).toBe(true);
        expect(await store.recordDelivery({ ...delivery, status: 'ignored', reason: 'again' })).toBe(false);
        expect(await store.getDelivery('d-1')).toEqual(delivery);
        expect(await store.countDeliveries()).toBe(1);
      });

      it('records a batch in order, one flag per delivery, a repeated id within it being a redelivery', async () => {
        await store.recordDelivery(makeDelivery({ deliveryId: 'seen-before' }));
        const batch = ['b-1', 'seen-before', 'b-2', 'b-1'].map((deliveryId) => makeDelivery({ deliveryId }));
        expect(await store.recordDeliveries(batch)).toEqual([true, false, true, false]);
        expect(await store.recordDeliveries([])).toEqual([]);
        expect(await store.getDelivery('b-2')).toEqual(batch[2]);
        expect(await store.countDeliveries()).toBe(3);
      });

      it('answers null for an unknown delivery and keeps nullable fields', async () => {
        const ping = makeDelivery({ deliveryId: 'd-ping', event: 'ping', action: null, repo: null, issueNumber: null, status: 'ignored', reason: 'not an issue event' });
        await store.recordDelivery(ping);
        expect(await store.getDelivery('nope')).toBeNull();
        expect(await store.getDelivery('d-ping')).toEqual(ping);
      });

      it('answers ping while open', async () => {
        expect(await store.ping()).toBe(true);
      });
    });

    describe('decisions', () => {
      it('saves a decision with every field intact and fresh reply fields', async () => {
        const input = makeDecision({ issueNumber: 7 });
        const saved = await store.saveDecision(input);
        expect(saved).toMatchObject(input);
        expect(saved.id).toEqual(expect.any(Number));
        expect(saved.replyState).toBe('none');
        expect(saved.replyCommentId).toBeNull();
        expect(saved.replyUrl).toBeNull();
        expect(saved.repliedAt).toBeNull();
        expect(saved.correctedTopic).toBeUndefined();
        expect(saved.correctedAt).toBeNull();
        expect(await store.getDecision(saved.id)).toEqual(saved);
        expect(await store.getDecisionForIssue('acme/app', 7)).toEqual(saved);
        expect(await store.getDecision(saved.id + 1000)).toBeNull();
        expect(await store.getDecisionForIssue('acme/app', 8)).toBeNull();
      });

      it('keeps one row per issue: saving again replaces the decision but keeps id and posted reply', async () => {
        const first = await store.saveDecision(makeDecision({ issueNumber: 3, topic: 'tls-trust', deliveryId: 'd-a' }));
        expect(await store.markReplied(first.id, reply(501))).toBe(true);
        const second = await store.saveDecision(
          makeDecision({ issueNumber: 3, topic: 'dns-resolution', deliveryId: 'd-b', replyBody: 'a newer draft', labels: ['dns'] }),
        );
        expect(second.id).toBe(first.id);
        expect(second.topic).toBe('dns-resolution');
        expect(second.deliveryId).toBe('d-b');
        expect(second.labels).toEqual(['dns']);
        expect(second.replyState).toBe('posted');
        expect(second.replyCommentId).toBe(501);
        expect(second.replyBody).toBe('reply body 501');
        const { total } = await store.listDecisions({});
        expect(total).toBe(1);
      });

      it('allows exactly one posted reply per issue', async () => {
        const decision = await store.saveDecision(makeDecision({ issueNumber: 11 }));
        expect(await store.markReplied(decision.id, reply(900))).toBe(true);
        expect(await store.markReplied(decision.id, reply(901))).toBe(false);
        const stored = await store.getDecision(decision.id);
        expect(stored).toMatchObject({
          replyState: 'posted',
          replyCommentId: 900,
          replyUrl: 'https://github.com/acme/app/issues/1#issuecomment-900',
          replyBody: 'reply body 900',
          repliedAt: '2026-03-01T10:00:00.000Z',
        });
      });

      it('lets only one of many concurrent markReplied calls win', async () => {
        const decision = await store.saveDecision(makeDecision({ issueNumber: 12 }));
        const results = await Promise.all([1, 2, 3, 4, 5].map((n) => store.markReplied(decision.id, reply(n))));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('rejects markReplied and claimReply for an unknown decision', async () => {
        await expect(store.markReplied(424242, reply(1))).rejects.toThrow();
        await expect(store.claimReply(424242, 'd-x')).rejects.toThrow();
      });

      it('grants the reply claim to one delivery, again to the same one, and never after posting', async () => {
        const decision = await store.saveDecision(makeDecision({ issueNumber: 13 }));
        expect(await store.claimReply(decision.id, 'd-first')).toBe(true);
        expect(await store.claimReply(decision.id, 'd-second')).toBe(false);
        expect(await store.claimReply(decision.id, 'd-first')).toBe(true);
        await store.saveDecision(makeDecision({ issueNumber: 13, deliveryId: 'd-second' }));
        expect(await store.claimReply(decision.id, 'd-second')).toBe(false);
        expect(await store.markReplied(decision.id, reply(77))).toBe(true);
        expect(await store.claimReply(decision.id, 'd-first')).toBe(false);
      });

      it('lets only one of many concurrent claims win', async () => {
        const decision = await store.saveDecision(makeDecision({ issueNumber: 14 }));
        const results = await Promise.all(['a', 'b', 'c', 'd'].map((id) => store.claimReply(decision.id, id)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('records review, decline and dry-run states but never hides a posted reply', async () => {
        const decision = await store.saveDecision(makeDecision({ issueNumber: 20, replyBody: 'draft' }));
        await store.setReplyState(decision.id, 'pending-review');
        expect((await store.getDecision(decision.id))?.replyState).toBe('pending-review');
        expect((await store.getDecision(decision.id))?.replyBody).toBe('draft');
        await store.setReplyState(decision.id, 'dry-run', 'what would be posted');
        expect(await store.getDecision(decision.id)).toMatchObject({ replyState: 'dry-run', replyBody: 'what would be posted' });
        await store.markReplied(decision.id, reply(5));
        await store.setReplyState(decision.id, 'declined');
        expect((await store.getDecision(decision.id))?.replyState).toBe('posted');
      });
    });

    describe('listDecisions', () => {
      async function seed(): Promise<void> {
        await store.saveDecision(makeDecision({ repo: 'acme/app', issueNumber: 1, issueTitle: 'TLS handshake fails on device', topic: 'tls-trust', decidedAt: '2026-02-01T00:00:00.000Z' }));
        await store.saveDecision(makeDecision({ repo: 'acme/app', issueNumber: 2, issueTitle: 'Cannot resolve local hostname', topic: 'dns-resolution', decidedAt: '2026-02-02T00:00:00.000Z' }));
        await store.saveDecision(makeDecision({ repo: 'acme/app', issueNumber: 3, issueTitle: 'Something vague', topic: null, abstained: true, decidedAt: '2026-02-03T00:00:00.000Z' }));
        await store.saveDecision(makeDecision({ repo: 'acme/lib', issueNumber: 1, issueTitle: '100% CPU in tls loop', topic: 'tls-trust', decidedAt: '2026-02-04T00:00:00.000Z' }));
        await store.saveDecision(makeDecision({ repo: 'acme/lib', issueNumber: 2, issueTitle: 'socket_options ignored', topic: 'sockets', decidedAt: '2026-02-05T00:00:00.000Z' }));
      }

      const titles = (items: { issueTitle: string }[]): string[] => items.map((item) => item.issueTitle);

      it('lists newest first with the total', async () => {
        await seed();
        const { items, total } = await store.listDecisions({});
        expect(total).toBe(5);
        expect(titles(items)).toEqual([
          'socket_options ignored',
          '100% CPU in tls loop',
          'Something vague',
          'Cannot resolve local hostname',
          'TLS handshake fails on device',
        ]);
      });

      it('filters by reply state', async () => {
        const waiting = await store.saveDecision(makeDecision({ issueNumber: 1 }));
        const declined = await store.saveDecision(makeDecision({ issueNumber: 2 }));
        await store.saveDecision(makeDecision({ issueNumber: 3 }));
        await store.setReplyState(waiting.id, 'pending-review');
        await store.setReplyState(declined.id, 'declined');
        const { items, total } = await store.listDecisions({ replyState: 'pending-review' });
        expect(items.map((item) => item.id)).toEqual([waiting.id]);
        expect(total).toBe(1);
      });

      it('breaks decidedAt ties by id, newest first', async () => {
        const at = '2026-02-10T00:00:00.000Z';
        const a = await store.saveDecision(makeDecision({ issueNumber: 1, decidedAt: at }));
        const b = await store.saveDecision(makeDecision({ issueNumber: 2, decidedAt: at }));
        const { items } = await store.listDecisions({});
        expect(items.map((item) => item.id)).toEqual([b.id, a.id]);
      });

      it('pages with limit and offset while total counts every match', async () => {
        await seed();
        const page1 = await store.listDecisions({ limit: 2, offset: 0 });
        const page2 = await store.listDecisions({ limit: 2, offset: 2 });
        const page3 = await store.listDecisions({ limit: 2, offset: 4 });
        expect(page1.total).toBe(5);
        expect(page3.total).toBe(5);
        expect([...titles(page1.items), ...titles(page2.items), ...titles(page3.items)]).toEqual(titles((await store.listDecisions({})).items));
        expect(page3.items).toHaveLength(1);
        expect((await store.listDecisions({ offset: 10 })).items).toEqual([]);
      });

      it('returns 50 items when no limit is given', async () => {
        for (let n = 1; n <= 55; n++) await store.saveDecision(makeDecision({ issueNumber: n }));
        const { items, total } = await store.listDecisions({});
        expect(items).toHaveLength(50);
        expect(total).toBe(55);
      });

      it('filters by repo, topic and abstention', async () => {
        await seed();
        expect((await store.listDecisions({ repo: 'acme/lib' })).total).toBe(2);
        expect(titles((await store.listDecisions({ topic: 'tls-trust' })).items)).toEqual(['100% CPU in tls loop', 'TLS handshake fails on device']);
        expect(titles((await store.listDecisions({ abstained: true })).items)).toEqual(['Something vague']);
        expect((await store.listDecisions({ abstained: false })).total).toBe(4);
        expect(titles((await store.listDecisions({ repo: 'acme/app', topic: 'tls-trust' })).items)).toEqual(['TLS handshake fails on device']);
      });

      it('filters by time: since inclusive, until exclusive', async () => {
        await seed();
        const window = await store.listDecisions({ since: '2026-02-02T00:00:00.000Z', until: '2026-02-04T00:00:00.000Z' });
        expect(titles(window.items)).toEqual(['Something vague', 'Cannot resolve local hostname']);
        expect(window.total).toBe(2);
      });

      it('filters by corrected or not', async () => {
        await seed();
        const target = await store.getDecisionForIssue('acme/app', 2);
        await store.recordCorrection(makeCorrection({ repo: 'acme/app', issueNumber: 2, decisionId: target!.id }));
        expect(titles((await store.listDecisions({ corrected: true })).items)).toEqual(['Cannot resolve local hostname']);
        expect((await store.listDecisions({ corrected: false })).total).toBe(4);
      });

      it('searches titles case-insensitively', async () => {
        await seed();
        expect(titles((await store.listDecisions({ search: 'tls' })).items)).toEqual(['100% CPU in tls loop', 'TLS handshake fails on device']);
        expect((await store.listDecisions({ search: 'HOSTNAME' })).total).toBe(1);
        expect((await store.listDecisions({ search: 'nothing like this' })).total).toBe(0);
      });

      it('takes % and _ in a search literally', async () => {
        await seed();
        await store.saveDecision(makeDecision({ repo: 'acme/lib', issueNumber: 3, issueTitle: '100 percent of sockets', decidedAt: '2026-02-06T00:00:00.000Z' }));
        await store.saveDecision(makeDecision({ repo: 'acme/lib', issueNumber: 4, issueTitle: 'socketXoptions typo', decidedAt: '2026-02-07T00:00:00.000Z' }));
        await store.saveDecision(makeDecision({ repo: 'acme/lib', issueNumber: 5, issueTitle: 'path C:\\temp\\net', decidedAt: '2026-02-08T00:00:00.000Z' }));
        expect(titles((await store.listDecisions({ search: '100%' })).items)).toEqual(['100% CPU in tls loop']);
        expect(titles((await store.listDecisions({ search: 'socket_options' })).items)).toEqual(['socket_options ignored']);
        expect(titles((await store.listDecisions({ search: '%' })).items)).toEqual(['100% CPU in tls loop']);
        expect(titles((await store.listDecisions({ search: 'C:\\temp' })).items)).toEqual(['path C:\\temp\\net']);
      });

      it('combines filters with pagination', async () => {
        await seed();
        const page = await store.listDecisions({ topic: 'tls-trust', search: 'tls', limit: 1, offset: 1 });
        expect(page.total).toBe(2);
        expect(titles(page.items)).toEqual(['TLS handshake fails on device']);
      });
    });

    describe('corrections', () => {
      it('reflects the latest correction of the issue in correctedTopic', async () => {
        const decision = await store.saveDecision(makeDecision({ issueNumber: 30, topic: 'tls-trust' }));
        expect((await store.getDecision(decision.id))?.correctedTopic).toBeUndefined();

        const first = await store.recordCorrection(makeCorrection({ issueNumber: 30, decisionId: decision.id, fromTopic: 'tls-trust', toTopic: 'dns-resolution', createdAt: '2026-03-02T00:00:00.000Z' }));
        expect(first).toMatchObject({ id: expect.any(Number), toTopic: 'dns-resolution', actor: 'maintainer-1' });
        expect(await store.getDecision(decision.id)).toMatchObject({ correctedTopic: 'dns-resolution', correctedAt: '2026-03-02T00:00:00.000Z' });

        await store.recordCorrection(makeCorrection({ issueNumber: 30, decisionId: null, fromTopic: 'dns-resolution', toTopic: null, createdAt: '2026-03-03T00:00:00.000Z' }));
        const removed = await store.getDecisionForIssue('acme/app', 30);
        expect(removed?.correctedTopic).toBeNull();
        expect(removed?.correctedAt).toBe('2026-03-03T00:00:00.000Z');
      });

      it('lists corrections oldest first, filtered by repo and since', async () => {
        await store.recordCorrection(makeCorrection({ repo: 'acme/app', issueNumber: 1, createdAt: '2026-03-01T00:00:00.000Z', source: 'dashboard' }));
        await store.recordCorrection(makeCorrection({ repo: 'acme/lib', issueNumber: 1, createdAt: '2026-03-02T00:00:00.000Z' }));
        await store.recordCorrection(makeCorrection({ repo: 'acme/app', issueNumber: 2, createdAt: '2026-03-03T00:00:00.000Z' }));
        expect((await store.listCorrections()).map((c) => c.createdAt)).toEqual([
          '2026-03-01T00:00:00.000Z',
          '2026-03-02T00:00:00.000Z',
          '2026-03-03T00:00:00.000Z',
        ]);
        expect((await store.listCorrections({ repo: 'acme/app' })).map((c) => c.issueNumber)).toEqual([1, 2]);
        expect((await store.listCorrections({ since: '2026-03-02T00:00:00.000Z' })).map((c) => c.repo)).toEqual(['acme/lib', 'acme/app']);
        expect((await store.listCorrections({ repo: 'acme/app' }))[0]).toMatchObject({ source: 'dashboard', decisionId: null, fromTopic: 'tls-trust' });
      });
    });

    describe('issues', () => {
      it('pages through issues in (repo, number) order', async () => {
        const keys: Array<[string, number]> = [['b/two', 2], ['a/one', 10], ['b/two', 1], ['a/one', 2], ['c/three', 5]];
        for (const [repo, number] of keys) await store.upsertIssue(makeIssue({ repo, number }));

        const seen: string[] = [];
        let cursor: { afterRepo?: string; afterNumber?: number } = {};
        for (;;) {
          const page = await store.listIssues({ ...cursor, limit: 2 });
          if (page.length === 0) break;
          seen.push(...page.map((issue) => `${issue.repo}#${issue.number}`));
          const last = page[page.length - 1];
          cursor = { afterRepo: last.repo, afterNumber: last.number };
        }
        expect(seen).toEqual(['a/one#2', 'a/one#10', 'b/two#1', 'b/two#2', 'c/three#5']);
      });

      it('pages within one repository', async () => {
        for (const number of [4, 1, 3]) await store.upsertIssue(makeIssue({ repo: 'a/one', number }));
        await store.upsertIssue(makeIssue({ repo: 'z/other', number: 2 }));
        expect((await store.listIssues({ repo: 'a/one', limit: 10 })).map((issue) => issue.number)).toEqual([1, 3, 4]);
        expect((await store.listIssues({ repo: 'a/one', afterNumber: 1, limit: 10 })).map((issue) => issue.number)).toEqual([3, 4]);
      });

      it('upserts by (repo, number) and deletes', async () => {
        await store.upsertIssue(makeIssue({ repo: 'a/one', number: 1, title: 'first title' }));
        const updated = makeIssue({ repo: 'a/one', number: 1, title: 'edited title', state: 'closed', answered: true, isPrivate: true });
        await store.upsertIssue(updated);
        expect(await store.listIssues({ limit: 10 })).toEqual([updated]);
        await store.deleteIssue('a/one', 1);
        expect(await store.listIssues({ limit: 10 })).toEqual([]);
      });

      it('fingerprints the issues: unchanged until one is added, edited or deleted', async () => {
        await store.upsertIssue(makeIssue({ repo: 'a/one', number: 1, updatedAt: '2026-01-01T00:00:00.000Z' }));
        await store.upsertIssue(makeIssue({ repo: 'a/one', number: 2, updatedAt: '2026-01-02T00:00:00.000Z' }));
        const first = await store.issueFingerprint();
        expect(await store.issueFingerprint()).toBe(first);
        await store.upsertIssue(makeIssue({ repo: 'a/one', number: 1, title: 'edited', updatedAt: '2026-01-03T00:00:00.000Z' }));
        const edited = await store.issueFingerprint();
        expect(edited).not.toBe(first);
        await store.deleteIssue('a/one', 2);
        const deleted = await store.issueFingerprint();
        expect(deleted).not.toBe(edited);
        await store.upsertIssue(makeIssue({ repo: 'a/one', number: 3, updatedAt: '2026-01-01T00:00:00.000Z' }));
        expect(await store.issueFingerprint()).not.toBe(deleted);
      });
    });

    describe('issue changes', () => {
      const byKey = (changes: Array<{ repo: string; number: number }>) =>
        [...changes].sort((a, b) => a.repo.localeCompare(b.repo) || a.number - b.number);

      it('reports each issue written or deleted since the cursor once, as it is now', async () => {
        await store.upsertIssue(makeIssue({ repo: 'a/one', number: 1 }));
        const cursor = await store.issueChangeCursor();
        const edited = makeIssue({ repo: 'a/one', number: 1, title: 'edited title', state: 'closed', answered: true });
        await store.upsertIssue(edited);
        await store.upsertIssue(makeIssue({ repo: 'a/one', number: 2 }));
        await store.deleteIssue('a/one', 2);
        await store.deleteIssue('b/two', 9);
        const { changes } = await store.issueChangesSince(cursor);
        const stamp = expect.any(Number);
        expect(byKey(changes)).toEqual([
          { repo: 'a/one', number: 1, issue: edited, changedAtMs: stamp },
          { repo: 'a/one', number: 2, issue: null, changedAtMs: stamp },
          { repo: 'b/two', number: 9, issue: null, changedAtMs: stamp },
        ]);
        expect((await store.issueChangesSince(cursor)).changes).toEqual(changes);
      });

      it('stamps each write of an issue later than the one before, even within one millisecond', async () => {
        const cursor = await store.issueChangeCursor();
        const stampOf = async () => (await store.issueChangesSince(cursor)).changes[0]?.changedAtMs ?? Number.NaN;
        await store.upsertIssue(makeIssue({ repo: 'a/one', number: 1, title: 'first' }));
        const first = await stampOf();
        await store.upsertIssue(makeIssue({ repo: 'a/one', number: 1, title: 'second' }));
        const second = await stampOf();
        await store.deleteIssue('a/one', 1);
        expect(second).toBeGreaterThan(first);
        expect(await stampOf()).toBeGreaterThan(second);
      });

      it('moves its cursor on: once the overlap has passed, an old change is not reported again', async () => {
        const start = await store.issueChangeCursor();
        await store.upsertIssue(makeIssue({ repo: 'a/one', number: 1 }));
        await new Promise((resolve) => setTimeout(resolve, issueChangeOverlapMs + 100));
        const first = await store.issueChangesSince(start);
        expect(first.changes.map((change) => change.number)).toEqual([1]);
        const later = makeIssue({ repo: 'a/one', number: 2 });
        await store.upsertIssue(later);
        const second = await store.issueChangesSince(first.cursor);
        expect(second.changes).toEqual([{ repo: 'a/one', number: 2, issue: later, changedAtMs: expect.any(Number) }]);
        expect(second.cursor).toBeGreaterThanOrEqual(first.cursor);
      });
    });

    describe('model versions', () => {
      it('stores versions with their JSON and keeps a single current one', async () => {
        await store.saveModelVersion({ version: 'v1', createdAt: '2026-01-01T00:00:00.000Z', trainingSize: 100, metrics: { macroF1: 0.7 }, current: true }, '{"m":1}');
        await store.saveModelVersion({ version: 'v2', createdAt: '2026-01-02T00:00:00.000Z', trainingSize: 120, metrics: { macroF1: 0.75 }, current: false }, '{"m":2}');
        let versions = await store.listModelVersions();
        expect(versions.map((v) => [v.version, v.current])).toEqual([['v2', false], ['v1', true]]);
        expect(versions[1]).toEqual({ version: 'v1', createdAt: '2026-01-01T00:00:00.000Z', trainingSize: 100, metrics: { macroF1: 0.7 }, current: true });
        expect(await store.getModelJson('v2')).toBe('{"m":2}');
        expect(await store.getModelJson('v9')).toBeNull();

        await store.setCurrentModel('v2');
        versions = await store.listModelVersions();
        expect(versions.filter((v) => v.current).map((v) => v.version)).toEqual(['v2']);

        await store.saveModelVersion({ version: 'v3', createdAt: '2026-01-03T00:00:00.000Z', trainingSize: 130, metrics: {}, current: true }, '{"m":3}');
        versions = await store.listModelVersions();
        expect(versions.filter((v) => v.current).map((v) => v.version)).toEqual(['v3']);
      });

      it('refuses to make an unknown version current and keeps the current one', async () => {
        await store.saveModelVersion({ version: 'v1', createdAt: '2026-01-01T00:00:00.000Z', trainingSize: 1, metrics: {}, current: true }, '{}');
        await expect(store.setCurrentModel('missing')).rejects.toThrow();
        expect((await store.listModelVersions()).find((v) => v.current)?.version).toBe('v1');
      });
    });

    describe('settings', () => {
      it('reads, writes and overwrites values', async () => {
        expect(await store.getSetting('backfill:acme/app')).toBeNull();
        await store.setSetting('backfill:acme/app', '42');
        await store.setSetting('backfill:acme/app', '43');
        await store.setSetting('config:acme/app', '{"mode":"review"}');
        expect(await store.getSetting('backfill:acme/app')).toBe('43');
        expect(await store.getSetting('config:acme/app')).toBe('{"mode":"review"}');
      });
    });
  });
}

function makeDelivery(overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    deliveryId: 'd-0',
    event: 'issues',
    action: 'opened',
    repo: 'acme/app',
    issueNumber: 1,
    receivedAt: '2026-01-15T12:00:00.000Z',
    status: 'queued',
    reason: null,
    ...overrides,
  };
}

function makeDecision(overrides: Partial<DecisionInput> = {}): DecisionInput {
  const repo = overrides.repo ?? 'acme/app';
  const issueNumber = overrides.issueNumber ?? 1;
  return {
    deliveryId: `d-${repo}-${issueNumber}`,
    repo,
    issueNumber,
    issueTitle: `Issue ${issueNumber} of ${repo}`,
    issueUrl: `https://github.com/${repo}/issues/${issueNumber}`,
    modelVersion: 'v1',
    ranking: [
      { topic: 'tls-trust', score: 0.7 },
      { topic: 'dns-resolution', score: 0.3 },
    ],
    topic: 'tls-trust',
    confidence: 0.7,
    abstained: false,
    missingInfo: ['os-version'],
    labels: ['tls'],
    resources: [{ id: 'r1', title: 'Trust evaluation notes', url: 'https://example.com/r1', why: 'mentions certificate chains', score: 0.4 }],
    similar: [{ repo, number: 99, title: 'An older question', url: `https://github.com/${repo}/issues/99`, score: 0.5, answered: true }],
    terms: [
      { term: 'certif', weight: 1.5 },
      { term: 'constructor', weight: 0.2 },
    ],
    mode: 'on',
    replyBody: 'Thanks for the report.',
    timings: { classify: 3, decide: 1, github: 120, total: 150 },
    receivedAt: '2026-02-01T00:00:00.000Z',
    decidedAt: '2026-02-01T00:00:01.000Z',
    ...overrides,
  };
}

function reply(commentId: number): { commentId: number; url: string; body: string; at: string } {
  return {
    commentId,
    url: `https://github.com/acme/app/issues/1#issuecomment-${commentId}`,
    body: `reply body ${commentId}`,
    at: '2026-03-01T10:00:00.000Z',
  };
}

function makeCorrection(overrides: Partial<CorrectionInput> = {}): CorrectionInput {
  return {
    repo: 'acme/app',
    issueNumber: 1,
    decisionId: null,
    fromTopic: 'tls-trust',
    toTopic: 'dns-resolution',
    actor: 'maintainer-1',
    source: 'github',
    createdAt: '2026-03-01T00:00:00.000Z',
    ...overrides,
  };
}

function makeIssue(overrides: Partial<StoredIssue> = {}): StoredIssue {
  const repo = overrides.repo ?? 'acme/app';
  const number = overrides.number ?? 1;
  return {
    repo,
    number,
    title: `Stored issue ${number}`,
    body: 'A body written for the test.',
    state: 'open',
    answered: false,
    isPrivate: false,
    url: `https://github.com/${repo}/issues/${number}`,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}
