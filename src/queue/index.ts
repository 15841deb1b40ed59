import type { AppConfig } from '../config/env.js';
import type { Logger } from '../log.js';
import { sqliteFile } from '../store/index.js';
import type { JobQueue } from './job-queue.js';
import { createSqliteQueue } from './sqlite-queue.js';

export type { JobQueue } from './job-queue.js';

/** The durable queue beside the store: pg-boss on PostgreSQL, a jobs table in the SQLite file otherwise. */
export async function openQueue(config: Pick<AppConfig, 'databaseUrl' | 'dataDir' | 'jobMaxAttempts' | 'jobLeaseMs'>, logger: Logger): Promise<JobQueue> {
  if (config.databaseUrl) {
    const { createPgBossQueue } = await import('./pgboss-queue.js');
    return createPgBossQueue({ connectionString: config.databaseUrl, maxAttempts: config.jobMaxAttempts, leaseMs: config.jobLeaseMs, logger });
  }
  return createSqliteQueue({ file: sqliteFile(config), maxAttempts: config.jobMaxAttempts, leaseMs: config.jobLeaseMs, logger });
}
