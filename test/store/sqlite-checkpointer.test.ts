import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../src/store/sqlite-checkpointer.js';
import { openSqliteDatabase } from '../../src/store/sqlite-database.js';

describe('the SQLite checkpointer thread', () => {
  it('copies committed pages from the write-ahead log into the database while commits do not', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-checkpoint-'));
    const file = path.join(dir, 'bot.db');
    const db = openSqliteDatabase(file);
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');
    for (let i = 0; i < 2000; i += 1) insert.run(`note ${i} ${'x'.repeat(200)}`);
    const pending = (db.pragma('wal_checkpoint(NOOP)') as Array<{ log: number; checkpointed: number }>)[0];
    expect(pending.log).toBeGreaterThan(pending.checkpointed);

    const checkpointer = startCheckpointer(file, { intervalMs: 50 });
    const deadline = Date.now() + 10_000;
    let state = pending;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = (db.pragma('wal_checkpoint(NOOP)') as Array<{ log: number; checkpointed: number }>)[0];
      if (state.checkpointed === state.log) break;
    }
    await checkpointer.stop();
    expect(state.checkpointed).toBe(state.log);
    expect((db.prepare('SELECT COUNT(*) AS n FROM notes').get() as { n: number }).n).toBe(2000);
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a process alive until the store is closed, with nothing else pending', async () => {
    // A command such as `backfill` ends with closing the store; the thread's last checkpoint must not be cut short.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-close-'));
    const storeModule = pathToFileURL(path.resolve('src/store/sqlite-store.ts')).href;
    const script = `
      const { createSqliteStore } = await import(${JSON.stringify(storeModule)});
      const store = createSqliteStore({ file: ${JSON.stringify(path.join(dir, 'bot.db'))} });
      await store.upsertIssue({ repo: 'acme/netkit', number: 1, title: 'Socket closes', body: 'after sleep', state: 'open', answered: false, isPrivate: false, url: 'https://github.com/acme/netkit/issues/1', updatedAt: '2024-05-01T10:00:00Z' });
      await store.close();
      console.log('closed');`;
    const scriptFile = path.join(dir, 'close-store.mjs');
    fs.writeFileSync(scriptFile, script);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', scriptFile], { env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
    expect(stdout.trim()).toBe('closed');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
