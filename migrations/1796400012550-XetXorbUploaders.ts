import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who uploaded each xorb. hf_xet remembers the xorbs it uploaded (the shards of its own uploads
 * stay in its cache for three weeks) and never sends them again: a later shard, for any
 * repository, just names them. Holding a xorb through a repository (`repo_xet_xorbs`) ends with
 * that repository, so the uploader's own right to build on the bytes they sent is recorded here
 * and outlives it. `last_uploaded_at` is when the uploader last sent the bytes: what a xorb
 * garbage collector must compare with the client's cache horizon.
 */
export class XetXorbUploaders1796400012550 implements MigrationInterface {
  name = 'XetXorbUploaders1796400012550';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE xet_xorb_uploaders (
        xorb_hash varchar(64) NOT NULL REFERENCES xet_xorbs (hash),
        user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        last_uploaded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (xorb_hash, user_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS xet_xorb_uploaders`);
  }
}
