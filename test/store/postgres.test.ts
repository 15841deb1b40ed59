import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import { describeStoreContract } from '../contract/store.contract.js';
import { pgBinDir, pgMissingMessage, startPgCluster, type PgCluster } from '../support/pg-cluster.js';

const hasPostgres = pgBinDir() !== null;
if (!hasPostgres) console.warn(pgMissingMessage);

describe.skipIf(!hasPostgres)('PostgreSQL store against the Store contract', () => {
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

  // A fresh schema per test: the contract expects an empty store every time.
  describeStoreContract('postgres', async () => {
    const schema = `contract_${++schemas}`;
    const store = await createPostgresStore({ connectionString: cluster.connectionString, schema, poolSize: 4 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      },
    };
  });
});
