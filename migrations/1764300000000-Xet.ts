import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Xet storage. `xet_xorbs` holds each verified xorb once (its chunk list, so reconstructions
 * and shard checks never re-read the bytes); `repo_xet_xorbs` says which repositories a xorb
 * was uploaded to (what access to it is decided on); `xet_files` is each file's reconstruction
 * (terms) by Xet file hash, with its sha256; `xet_dedup_chunks` is the global dedup index
 * (eligible chunk hash → the xorb holding it). A file uploaded through Xet is also an LFS
 * object (`lfs_objects.xet_hash`), so commits, trees and git-lfs treat it as any LFS file;
 * its `storage_key` is null until (unless) its bytes are also stored whole.
 */
export class Xet1764300000000 implements MigrationInterface {
  name = 'Xet1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE xet_xorbs (
        hash varchar(64) PRIMARY KEY,
        -- serialized bytes as stored, and the sum of the chunks' uncompressed sizes
        size bigint NOT NULL,
        unpacked_size bigint NOT NULL,
        -- 32 bytes per chunk, in xorb order
        chunk_hashes bytea NOT NULL,
        chunk_sizes integer[] NOT NULL,
        -- end offset of every chunk in the serialized xorb (header included)
        chunk_ends integer[] NOT NULL,
        storage_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE repo_xet_xorbs (
        repo_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
        xorb_hash varchar(64) NOT NULL REFERENCES xet_xorbs (hash),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (repo_id, xorb_hash)
      )`);
    await q.query(`CREATE INDEX repo_xet_xorbs_xorb_idx ON repo_xet_xorbs (xorb_hash)`);
    await q.query(`
      CREATE TABLE xet_dedup_chunks (
        chunk_hash varchar(64) PRIMARY KEY,
        xorb_hash varchar(64) NOT NULL REFERENCES xet_xorbs (hash)
      )`);
    await q.query(`
      CREATE TABLE xet_files (
        file_hash varchar(64) PRIMARY KEY,
        sha256 varchar(64) NOT NULL,
        size bigint NOT NULL,
        -- [{"h": xorb hash, "s": first chunk, "e": end chunk (exclusive), "n": unpacked bytes}]
        terms jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX xet_files_sha256_idx ON xet_files (sha256)`);
    // Global dedup answers list the xorbs that follow a chunk's xorb in files using it: `terms @> [{"h": …}]`.
    await q.query(`CREATE INDEX xet_files_terms_idx ON xet_files USING gin (terms jsonb_path_ops)`);
    await q.query(`ALTER TABLE lfs_objects ADD COLUMN xet_hash varchar(64) NULL REFERENCES xet_files (file_hash), ALTER COLUMN storage_key DROP NOT NULL`);
    await q.query(`CREATE INDEX lfs_objects_xet_hash_idx ON lfs_objects (xet_hash) WHERE xet_hash IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM lfs_objects WHERE storage_key IS NULL`);
    await q.query(`ALTER TABLE lfs_objects DROP COLUMN xet_hash, ALTER COLUMN storage_key SET NOT NULL`);
    for (const t of ['xet_files', 'xet_dedup_chunks', 'repo_xet_xorbs', 'xet_xorbs']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
