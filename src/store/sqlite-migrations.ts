import type { SqliteDatabase } from './sqlite-database.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * The store and the queue may share one file but evolve separately, so each keeps its own
 * numbered list and `schema_version` records versions per component.
 */
export type SchemaComponent = 'store' | 'queue';

export const storeMigrations: readonly Migration[] = [
  {
    version: 1,
    description: 'deliveries, decisions, corrections, issues, model versions, settings',
    sql: `
      CREATE TABLE deliveries (
        delivery_id TEXT PRIMARY KEY,
        event TEXT NOT NULL,
        action TEXT,
        repo TEXT,
        issue_number INTEGER,
        received_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'ignored')),
        reason TEXT
      );

      CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id TEXT NOT NULL,
        repo TEXT NOT NULL,
        issue_number INTEGER NOT NULL,
        issue_title TEXT NOT NULL,
        issue_url TEXT NOT NULL,
        model_version TEXT NOT NULL,
        ranking TEXT NOT NULL,
        topic TEXT,
        confidence REAL NOT NULL,
        abstained INTEGER NOT NULL,
        missing_info TEXT NOT NULL,
        labels TEXT NOT NULL,
        resources TEXT NOT NULL,
        similar TEXT NOT NULL,
        terms TEXT NOT NULL,
        mode TEXT NOT NULL,
        reply_body TEXT,
        timings TEXT NOT NULL,
        received_at TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        reply_state TEXT NOT NULL DEFAULT 'none'
          CHECK (reply_state IN ('none', 'posted', 'pending-review', 'declined', 'dry-run')),
        reply_comment_id INTEGER,
        reply_url TEXT,
        replied_at TEXT,
        -- The delivery that holds the right to post the issue's one reply (see Store.claimReply).
        reply_claim TEXT,
        UNIQUE (repo, issue_number)
      );
      CREATE INDEX decisions_newest ON decisions (decided_at DESC, id DESC);
      CREATE INDEX decisions_topic ON decisions (topic);

      CREATE TABLE corrections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        repo TEXT NOT NULL,
        issue_number INTEGER NOT NULL,
        decision_id INTEGER REFERENCES decisions (id) ON DELETE SET NULL,
        from_topic TEXT,
        to_topic TEXT,
        actor TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('github', 'dashboard')),
        created_at TEXT NOT NULL
      );
      CREATE INDEX corrections_issue ON corrections (repo, issue_number, created_at, id);
      CREATE INDEX corrections_created ON corrections (created_at, id);

      CREATE TABLE issues (
        repo TEXT NOT NULL,
        number INTEGER NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
        answered INTEGER NOT NULL,
        is_private INTEGER NOT NULL,
        url TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (repo, number)
      );

      CREATE TABLE model_versions (
        version TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        training_size INTEGER NOT NULL,
        metrics TEXT NOT NULL,
        model_json TEXT NOT NULL,
        current INTEGER NOT NULL DEFAULT 0
      );
      -- At most one current model, whatever the code does.
      CREATE UNIQUE INDEX model_versions_one_current ON model_versions (current) WHERE current = 1;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'when each issue was last written or deleted, for workers following the changes',
    sql: `
      CREATE TABLE issue_changes (
        repo TEXT NOT NULL,
        number INTEGER NOT NULL,
        changed_at_ms INTEGER NOT NULL,
        PRIMARY KEY (repo, number)
      );
      CREATE INDEX issue_changes_by_time ON issue_changes (changed_at_ms);
    `,
  },
];

export const queueMigrations: readonly Migration[] = [
  {
    version: 1,
    description: 'durable jobs with leases',
    sql: `
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
        attempt INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        run_at_ms INTEGER NOT NULL,
        lease_until_ms INTEGER,
        last_error TEXT,
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
      );
      CREATE INDEX jobs_ready ON jobs (state, run_at_ms);
    `,
  },
];

/**
 * Brings the schema of one component up to date. Runs in an IMMEDIATE transaction so two
 * connections opening the same file at once cannot both apply a migration. Returns the versions
 * it applied.
 */
export function applyMigrations(db: SqliteDatabase, component: SchemaComponent, migrations: readonly Migration[]): number[] {
  const apply = db.transaction((): number[] => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS schema_version (
        component TEXT NOT NULL,
        version INTEGER NOT NULL,
        description TEXT NOT NULL,
        applied_at TEXT NOT NULL,
        PRIMARY KEY (component, version)
      )
    `);
    const current = schemaVersion(db, component);
    const record = db.prepare(
      'INSERT INTO schema_version (component, version, description, applied_at) VALUES (?, ?, ?, ?)',
    );
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(component, migration.version, migration.description, new Date().toISOString());
      applied.push(migration.version);
    }
    return applied;
  });
  return apply.immediate();
}

export function schemaVersion(db: SqliteDatabase, component: SchemaComponent): number {
  const row = db
    .prepare('SELECT COALESCE(MAX(version), 0) AS version FROM schema_version WHERE component = ?')
    .get(component) as { version: number };
  return row.version;
}
