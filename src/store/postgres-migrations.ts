import type pg from 'pg';
import type { Migration } from './sqlite-migrations.js';

/**
 * Ordered, append-only: a released migration is never edited, a change is a new entry.
 * Timestamps are ISO-8601 UTC text in the "C" collation so they sort and compare exactly as in
 * the SQLite store; repository names are "C" too so issue paging order matches SQLite's.
 */
export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    description: 'deliveries, decisions, corrections, issues, model versions, settings',
    sql: `
      CREATE TABLE deliveries (
        delivery_id text PRIMARY KEY,
        event text NOT NULL,
        action text,
        repo text,
        issue_number integer,
        received_at text COLLATE "C" NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'ignored')),
        reason text
      );

      CREATE TABLE decisions (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id text NOT NULL,
        repo text COLLATE "C" NOT NULL,
        issue_number integer NOT NULL,
        issue_title text NOT NULL,
        issue_url text NOT NULL,
        model_version text NOT NULL,
        ranking jsonb NOT NULL,
        topic text,
        confidence double precision NOT NULL,
        abstained boolean NOT NULL,
        missing_info jsonb NOT NULL,
        labels jsonb NOT NULL,
        resources jsonb NOT NULL,
        similar_issues jsonb NOT NULL,
        terms jsonb NOT NULL,
        mode text NOT NULL CHECK (mode IN ('on', 'review', 'shadow', 'off', 'dry-run')),
        reply_body text,
        timings jsonb NOT NULL,
        received_at text COLLATE "C" NOT NULL,
        decided_at text COLLATE "C" NOT NULL,
        reply_state text NOT NULL DEFAULT 'none'
          CHECK (reply_state IN ('none', 'posted', 'pending-review', 'declined', 'dry-run')),
        reply_comment_id bigint,
        reply_url text,
        replied_at text COLLATE "C",
        reply_claimed_by text,
        UNIQUE (repo, issue_number),
        CHECK ((reply_state = 'posted') = (reply_comment_id IS NOT NULL))
      );
      CREATE INDEX decisions_decided_at ON decisions (decided_at DESC, id DESC);

      CREATE TABLE corrections (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        repo text COLLATE "C" NOT NULL,
        issue_number integer NOT NULL,
        decision_id integer REFERENCES decisions (id) ON DELETE SET NULL,
        from_topic text,
        to_topic text,
        actor text NOT NULL,
        source text NOT NULL CHECK (source IN ('github', 'dashboard')),
        created_at text COLLATE "C" NOT NULL
      );
      CREATE INDEX corrections_issue ON corrections (repo, issue_number, id);
      CREATE INDEX corrections_created_at ON corrections (created_at);

      CREATE TABLE issues (
        repo text COLLATE "C" NOT NULL,
        number integer NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        state text NOT NULL CHECK (state IN ('open', 'closed')),
        answered boolean NOT NULL,
        is_private boolean NOT NULL,
        url text NOT NULL,
        updated_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (repo, number)
      );

      CREATE TABLE model_versions (
        version text PRIMARY KEY,
        created_at text COLLATE "C" NOT NULL,
        training_size integer NOT NULL,
        metrics jsonb NOT NULL,
        current boolean NOT NULL DEFAULT false,
        model_json text NOT NULL
      );
      CREATE UNIQUE INDEX model_versions_one_current ON model_versions (current) WHERE current;

      CREATE TABLE settings (
        key text PRIMARY KEY,
        value text NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'when each issue was last written or deleted, for workers following the changes',
    sql: `
      CREATE TABLE issue_changes (
        repo text COLLATE "C" NOT NULL,
        number integer NOT NULL,
        changed_at_ms bigint NOT NULL,
        PRIMARY KEY (repo, number)
      );
      CREATE INDEX issue_changes_by_time ON issue_changes (changed_at_ms);
    `,
  },
];

/** Schema names go into SQL text (search_path, CREATE SCHEMA), so only plain identifiers pass. */
export function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`PostgreSQL schema name must be a lower-case identifier (a-z, 0-9, _): ${JSON.stringify(schema)}`);
  }
}

/**
 * Brings `schema` up to the newest migration and returns the version it is at. Several
 * processes may start at once: a transaction-scoped advisory lock (keyed by schema) makes them
 * take turns, and each one applies only what the others have not.
 */
export async function applyPostgresMigrations(
  client: pg.ClientBase,
  schema: string,
  migrations: readonly Migration[] = postgresMigrations,
): Promise<number> {
  assertSchemaName(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`supportbot.migrations.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET LOCAL search_path TO ${schema}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_version (
        version integer PRIMARY KEY,
        description text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_version');
    let current = rows[0]?.version ?? 0;
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_version (version, description) VALUES ($1, $2)', [migration.version, migration.description]);
      current = migration.version;
    }
    await client.query('COMMIT');
    return current;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
