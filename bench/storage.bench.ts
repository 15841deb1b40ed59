import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteDatabase } from '../src/store/sqlite-database.js';
import { createSqliteStore } from '../src/store/sqlite-store.js';
import { createSqliteQueue } from '../src/queue/sqlite-queue.js';
import type { DecisionInput } from '../src/store/types.js';
import { median, round, timeIt, type Bench } from './harness.js';

function decision(n: number): DecisionInput {
  return {
    deliveryId: `d-${n}`,
    repo: `acme/repo-${n % 5}`,
    issueNumber: n,
    issueTitle: `Connection ${n % 7 === 0 ? 'TLS' : 'socket'} problem number ${n}`,
    issueUrl: `https://github.com/acme/repo-${n % 5}/issues/${n}`,
    modelVersion: 'bench',
    ranking: [{ topic: 'tls-trust', score: 0.6 }, { topic: 'sockets', score: 0.4 }],
    topic: n % 3 === 0 ? null : 'tls-trust',
    confidence: 0.6,
    abstained: n % 3 === 0,
    missingInfo: [],
    labels: ['tls'],
    resources: [],
    similar: [],
    terms: [{ term: 'handshak', weight: 1 }],
    mode: 'on',
    replyBody: 'reply',
    timings: { total: 10 },
    receivedAt: new Date(1_700_000_000_000 + n * 1000).toISOString(),
    decidedAt: new Date(1_700_000_000_000 + n * 1000 + 500).toISOString(),
  };
}

/**
 * The SQLite store and queue against their anchor, a bare prepared INSERT on the same kind of
 * file: how much the adapters add on top of SQLite itself.
 */
export const run: Bench = async (context) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-bench-storage-'));
  const rows = context.quick ? 2_000 : 10_000;
  const jobs = context.quick ? 500 : 2_000;
  try {
    const anchorDb = openSqliteDatabase(path.join(dir, 'anchor.db'));
    anchorDb.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = anchorDb.prepare('INSERT INTO t (body) VALUES (?)');
    const anchor = await timeIt(() => {
      for (let n = 0; n < rows; n++) insert.run(JSON.stringify(decision(n)));
    });
    anchorDb.close();

    const store = createSqliteStore({ file: path.join(dir, 'store.db') });
    const save = await timeIt(async () => {
      for (let n = 0; n < rows; n++) await store.saveDecision(decision(n));
    });
    const medianMs = async (query: () => Promise<unknown>): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) times.push((await timeIt(query)).ms);
      return median(times);
    };
    const listPageMs = await medianMs(() => store.listDecisions({ limit: 50, offset: 100 }));
    const searchPageMs = await medianMs(() => store.listDecisions({ search: 'tls', abstained: false, limit: 50 }));
    await store.close();

    const queue = createSqliteQueue({ file: path.join(dir, 'queue.db'), maxAttempts: 3 });
    const enqueue = await timeIt(async () => {
      for (let n = 0; n < jobs; n++) await queue.enqueue({ id: `job-${n}`, name: 'bench', payload: { n } });
    });
    queue.start(async () => {}, { concurrency: 4 });
    const processAll = await timeIt(() => queue.drain(120_000));
    await queue.close();

    const figures = {
      anchorInsertUs: round((anchor.ms * 1000) / rows, 1),
      saveDecisionUs: round((save.ms * 1000) / rows, 1),
      saveDecisionVsAnchor: round(save.ms / anchor.ms, 2),
      listDecisionsPageMs: round(listPageMs, 2),
      searchDecisionsPageMs: round(searchPageMs, 2),
      decisionRows: rows,
      enqueueUs: round((enqueue.ms * 1000) / jobs, 1),
      noopJobsPerSecond: round(jobs / (processAll.ms / 1000), 0),
      jobs,
    };
    for (const [name, value] of Object.entries(figures)) context.print(`${name}: ${value}`);
    return { name: 'storage', figures };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
