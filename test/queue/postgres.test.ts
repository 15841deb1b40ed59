import { describe } from 'vitest';
import type { JobQueue } from '../../src/queue/job-queue.js';
import { createPgBossQueue } from '../../src/queue/pgboss-queue.js';
import { describeQueueContract } from '../contract/queue.contract.js';
import { pgBinDir, pgMissingMessage } from '../support/pg-cluster.js';
import { useThrowawaySchemas } from '../support/pg-schemas.js';

const hasPostgres = pgBinDir() !== null;
if (!hasPostgres) console.warn(pgMissingMessage);

describe.skipIf(!hasPostgres)('pg-boss queue against the JobQueue contract', () => {
  const pg = useThrowawaySchemas('boss');

  // A fresh pg-boss schema per test; reopen() is another process on the same schema.
  describeQueueContract('postgres (pg-boss)', async ({ maxAttempts, leaseMs }) => {
    const schema = pg.nextSchema();
    const opened: JobQueue[] = [];
    const open = async (): Promise<JobQueue> => {
      const queue = await createPgBossQueue({
        connectionString: pg.connectionString(),
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
        await pg.dropSchema(schema);
      },
    };
  });
});
