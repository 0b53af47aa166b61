import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin storage browser: confirmation tokens of two-step prefix deletes (kept in the
 * database so that any node can confirm what another prepared; single use, short lived), and
 * the indexes that answer "which rows reference this object key" for LFS objects and xorbs
 * (git objects have theirs).
 */
export class StorageBrowser1796411680757 implements MigrationInterface {
  name = 'StorageBrowser1796411680757';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE storage_delete_tokens (
        token_hash bytea PRIMARY KEY,
        prefix text NOT NULL,
        actor varchar(128) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX storage_delete_tokens_expires_idx ON storage_delete_tokens (expires_at)`);
    await q.query(`CREATE INDEX lfs_objects_storage_key_idx ON lfs_objects (storage_key) WHERE storage_key IS NOT NULL`);
    await q.query(`CREATE INDEX xet_xorbs_storage_key_idx ON xet_xorbs (storage_key)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS xet_xorbs_storage_key_idx`);
    await q.query(`DROP INDEX IF EXISTS lfs_objects_storage_key_idx`);
    await q.query(`DROP TABLE IF EXISTS storage_delete_tokens`);
  }
}
