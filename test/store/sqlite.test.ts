import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/store/sqlite-database.js';
import { applyMigrations, schemaVersion, storeMigrations } from '../../src/store/sqlite-migrations.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { describeStoreContract, issueChangeOverlapMs } from '../contract/store.contract.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-sqlite-store-'));
}

describeStoreContract('sqlite file', async () => {
  const dir = tempDir();
  const store = createSqliteStore({ file: path.join(dir, 'supportbot.db'), issueChangeOverlapMs });
  return {
    store,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeStoreContract('sqlite :memory:', async () => {
  const store = createSqliteStore({ file: ':memory:', issueChangeOverlapMs });
  return { store, cleanup: () => store.close() };
});

describe('sqlite store specifics', () => {
  it('creates the data folder when it is missing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'nested', 'data', 'supportbot.db');
    const store = createSqliteStore({ file });
    await store.setSetting('k', 'v');
    await store.close();
    expect(fs.existsSync(file)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps data across reopening and applies migrations only once', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'supportbot.db');
    const first = createSqliteStore({ file });
    await first.setSetting('cursor', '17');
    await first.close();

    const second = createSqliteStore({ file });
    expect(await second.getSetting('cursor')).toBe('17');
    await second.close();

    const db = openSqliteDatabase(file);
    expect(schemaVersion(db, 'store')).toBe(storeMigrations[storeMigrations.length - 1].version);
    expect(applyMigrations(db, 'store', storeMigrations)).toEqual([]);
    const rows = db.prepare("SELECT COUNT(*) AS n FROM schema_version WHERE component = 'store'").get() as { n: number };
    expect(rows.n).toBe(storeMigrations.length);
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies migrations in version order whatever order they are listed in', () => {
    const db = openSqliteDatabase(':memory:');
    const applied = applyMigrations(db, 'store', [
      { version: 2, description: 'second', sql: 'ALTER TABLE t ADD COLUMN b TEXT' },
      { version: 1, description: 'first', sql: 'CREATE TABLE t (a TEXT)' },
    ]);
    expect(applied).toEqual([1, 2]);
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').all('t')).toEqual([{ name: 'a' }, { name: 'b' }]);
    db.close();
  });

  it('rolls a failing migration back whole', () => {
    const db = openSqliteDatabase(':memory:');
    expect(() =>
      applyMigrations(db, 'store', [
        { version: 1, description: 'good', sql: 'CREATE TABLE t (a TEXT)' },
        { version: 2, description: 'broken', sql: 'CREATE TABLE broken (' },
      ]),
    ).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't'").get()).toBeUndefined();
    db.close();
  });

  it('opens in WAL mode with foreign keys on', () => {
    const dir = tempDir();
    const db = openSqliteDatabase(path.join(dir, 'x.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports not ready once closed', async () => {
    const store = createSqliteStore({ file: ':memory:' });
    await store.close();
    expect(await store.ping()).toBe(false);
  });
});
