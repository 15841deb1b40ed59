import { describe } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import { describeStoreContract, issueChangeOverlapMs } from '../contract/store.contract.js';
import { pgBinDir, pgMissingMessage } from '../support/pg-cluster.js';
import { useThrowawaySchemas } from '../support/pg-schemas.js';

const hasPostgres = pgBinDir() !== null;
if (!hasPostgres) console.warn(pgMissingMessage);

describe.skipIf(!hasPostgres)('PostgreSQL store against the Store contract', () => {
  const pg = useThrowawaySchemas('contract');

  // A fresh schema per test: the contract expects an empty store every time.
  describeStoreContract('postgres', async () => {
    const schema = pg.nextSchema();
    const store = await createPostgresStore({ connectionString: pg.connectionString(), schema, poolSize: 4, issueChangeOverlapMs });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await pg.dropSchema(schema);
      },
    };
  });
});
