import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Large files. `lfs_objects` holds each verified sha256 once (one physical copy hub-wide);
 * `repo_lfs_objects` says which repositories hold it (uploaded there, or committed there), which
 * is what access to an object is decided on; `lfs_uploads` tracks uploads until their bytes are
 * verified; `lfs_locks` is the git-lfs locking API.
 */
export class Lfs1764000000000 implements MigrationInterface {
  name = 'Lfs1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lfs_objects (
        oid varchar(64) PRIMARY KEY,
        size bigint NOT NULL,
        storage_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE repo_lfs_objects (
        repo_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
        oid varchar(64) NOT NULL REFERENCES lfs_objects (oid),
        -- the git blob id of the canonical pointer file, to recognise LFS entries in trees
        pointer_oid varchar(40) NOT NULL,
        -- true once a commit of this repository references the object (downloads need it)
        committed boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (repo_id, oid)
      )`);
    await q.query(`CREATE INDEX repo_lfs_objects_oid_idx ON repo_lfs_objects (oid)`);
    await q.query(`CREATE INDEX repo_lfs_objects_pointer_idx ON repo_lfs_objects (repo_id, pointer_oid)`);
    await q.query(`
      CREATE TABLE lfs_uploads (
        id uuid PRIMARY KEY,
        repo_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
        user_id bigint NULL REFERENCES users (id) ON DELETE SET NULL,
        oid varchar(64) NOT NULL,
        size bigint NOT NULL,
        staging_key text NOT NULL,
        multipart_id text NULL,
        state varchar(10) NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'verified', 'failed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX lfs_uploads_repo_oid_idx ON lfs_uploads (repo_id, oid)`);
    await q.query(`CREATE INDEX lfs_uploads_pending_idx ON lfs_uploads (created_at) WHERE state = 'pending'`);
    await q.query(`
      CREATE TABLE lfs_locks (
        id bigserial PRIMARY KEY,
        repo_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
        path text NOT NULL,
        ref_name varchar(255) NULL,
        owner_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        locked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX lfs_locks_repo_path_key ON lfs_locks (repo_id, path)`);
    await q.query(`
      ALTER TABLE repositories
        ADD COLUMN lfs_threshold_bytes bigint NULL,
        ADD COLUMN lfs_suffixes text[] NULL,
        ADD COLUMN lfs_keep_versions integer NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE repositories DROP COLUMN lfs_threshold_bytes, DROP COLUMN lfs_suffixes, DROP COLUMN lfs_keep_versions`);
    for (const t of ['lfs_locks', 'lfs_uploads', 'repo_lfs_objects', 'lfs_objects']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
