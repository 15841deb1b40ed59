import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/**
 * Opens a SQLite file the way every part of the bot shares it: the store and the job queue each
 * hold their own connection to the same file, so WAL lets readers run beside the one writer and
 * busy_timeout makes a writer wait for the other connection instead of failing with SQLITE_BUSY.
 */
export function openSqliteDatabase(file: string): SqliteDatabase {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  // Before switching to WAL: a second process opening a fresh file at the same time must wait, not fail.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // WAL keeps commits durable across process crashes with NORMAL; FULL only adds power-loss safety.
  db.pragma('synchronous = NORMAL');
  // Checkpoints run on the store's checkpointer thread (sqlite-checkpointer.ts), not inside a commit.
  if (file !== ':memory:') db.pragma('wal_autocheckpoint = 0');
  return db;
}

/**
 * Prepares each SQL text once per connection: preparing costs about as much as running the small
 * statements the store and the queue issue, and their texts are a fixed set.
 */
export function statementCache(db: SqliteDatabase): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}
