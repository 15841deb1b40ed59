import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/env.js';
import { createSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export type { Store } from './store.js';

/** The SQLite file every component of one deployment shares. */
export function sqliteFile(config: Pick<AppConfig, 'dataDir'>): string {
  fs.mkdirSync(config.dataDir, { recursive: true });
  return path.join(config.dataDir, 'supportbot.db');
}

/** PostgreSQL when DATABASE_URL is set, else embedded SQLite in DATA_DIR. Migrations run here. */
export async function openStore(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): Promise<Store> {
  if (config.databaseUrl) {
    // Loaded only when used, so a SQLite deployment never loads the PostgreSQL driver.
    const { createPostgresStore } = await import('./postgres-store.js');
    return createPostgresStore({ connectionString: config.databaseUrl });
  }
  return createSqliteStore({ file: sqliteFile(config) });
}
