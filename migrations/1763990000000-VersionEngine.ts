import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Repositories and the version engine: git objects (owned per repository), refs, and the
 * derived commit index. Object bodies are stored deflated; small ones inline, large ones in the
 * object store under a content-addressed key shared by every repository holding them.
 */
export class VersionEngine1763990000000 implements MigrationInterface {
  name = 'VersionEngine1763990000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE repositories (
        id bigserial PRIMARY KEY,
        type varchar(8) NOT NULL CHECK (type IN ('model', 'dataset', 'space')),
        namespace_id bigint NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,
        name varchar(96) NOT NULL,
        private boolean NOT NULL DEFAULT false,
        gated varchar(8) NULL CHECK (gated IN ('auto', 'manual')),
        default_branch varchar(255) NOT NULL DEFAULT 'main',
        sdk varchar(32) NULL,
        card_data jsonb NULL,
        tags text[] NOT NULL DEFAULT '{}',
        head_oid varchar(40) NULL,
        likes integer NOT NULL DEFAULT 0,
        downloads bigint NOT NULL DEFAULT 0,
        created_by bigint NULL REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_modified timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX repositories_type_ns_name_key ON repositories (type, namespace_id, lower(name))`);
    await q.query(`CREATE INDEX repositories_namespace_idx ON repositories (namespace_id)`);
    await q.query(`CREATE INDEX repositories_last_modified_idx ON repositories (type, last_modified DESC, id DESC)`);
    await q.query(`CREATE INDEX repositories_created_at_idx ON repositories (type, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX repositories_name_lower_idx ON repositories (type, lower(name) text_pattern_ops)`);

    // After a move, the old id keeps pointing at the repository until the name is reused.
    await q.query(`
      CREATE TABLE repo_redirects (
        type varchar(8) NOT NULL,
        namespace_lower varchar(96) NOT NULL,
        name_lower varchar(96) NOT NULL,
        repo_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (type, namespace_lower, name_lower)
      )`);

    await q.query(`
      CREATE TABLE git_objects (
        repo_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
        oid varchar(40) NOT NULL,
        type smallint NOT NULL CHECK (type BETWEEN 1 AND 4),
        size bigint NOT NULL,
        body bytea NULL,
        storage_key text NULL,
        PRIMARY KEY (repo_id, oid),
        CHECK ((body IS NULL) <> (storage_key IS NULL))
      )`);

    await q.query(`
      CREATE TABLE git_refs (
        repo_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
        name varchar(255) NOT NULL,
        oid varchar(40) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (repo_id, name)
      )`);

    await q.query(`
      CREATE TABLE git_commits (
        repo_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
        oid varchar(40) NOT NULL,
        tree_oid varchar(40) NOT NULL,
        parents varchar(40)[] NOT NULL,
        -- 1 + the largest generation of the parents: a topological order even within one second.
        generation integer NOT NULL,
        author_name text NOT NULL,
        author_email text NOT NULL,
        authored_at timestamptz NOT NULL,
        committed_at timestamptz NOT NULL,
        title text NOT NULL,
        message text NOT NULL,
        PRIMARY KEY (repo_id, oid)
      )`);
    await q.query(`CREATE INDEX git_commits_oid_prefix_idx ON git_commits (repo_id, oid text_pattern_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['git_commits', 'git_refs', 'git_objects', 'repo_redirects', 'repositories']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
