import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { JobQueue } from '../../src/queue/job-queue.js';
import { createPgBossQueue } from '../../src/queue/pgboss-queue.js';
import { describeQueueContract } from '../contract/queue.contract.js';
import { pgBinDir, pgMissingMessage, startPgCluster, type PgCluster } from '../support/pg-cluster.js';

const hasPostgres = pgBinDir() !== null;
if (!hasPostgres) console.warn(pgMissingMessage);

describe.skipIf(!hasPostgres)('pg-boss queue against the JobQueue contract', () => {
  let cluster: PgCluster;
  let admin: pg.Pool;
  let schemas = 0;

  beforeAll(async () => {
    cluster = await startPgCluster();
    admin = new pg.Pool({ connectionString: cluster.connectionString, max: 1 });
  });

  afterAll(async () => {
    await admin?.end();
    await cluster?.stop();
  });

  // A fresh pg-boss schema per test; reopen() is another process on the same schema.
  describeQueueContract('postgres (pg-boss)', async ({ maxAttempts, leaseMs }) => {
    const schema = `boss_${++schemas}`;
    const opened: JobQueue[] = [];
    const open = async (): Promise<JobQueue> => {
      const queue = await createPgBossQueue({
        connectionString: cluster.connectionString,
        schema,
        maxAttempts,
        leaseMs,
        backoff: { baseMs: 5, maxMs: 20 },
        poolSize: 4,
      });
      opened.push(queue);
      return queue;
    };
    return {
      queue: await open(),
      reopen: open,
      cleanup: async () => {
        await Promise.all(opened.map((queue) => queue.close()));
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      },
    };
  });
});
