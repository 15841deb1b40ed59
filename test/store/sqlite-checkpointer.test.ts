import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
});
