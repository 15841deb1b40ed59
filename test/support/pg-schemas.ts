import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startPgCluster, type PgCluster } from './pg-cluster.js';

/**
 * Inside a `describe`: one throwaway cluster for the suite, and a fresh schema per test so each
 * contract test starts from an empty store or queue.
 */
export function useThrowawaySchemas(prefix: string): { connectionString(): string; nextSchema(): string; dropSchema(schema: string): Promise<void> } {
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
  return {
    connectionString: () => cluster.connectionString,
    nextSchema: () => `${prefix}_${++schemas}`,
    dropSchema: async (schema) => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}
