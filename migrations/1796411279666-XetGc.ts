import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Xorb garbage collection. A xorb no stored file uses is first taken out of the global dedup
 * index (`unindexed_at` records when), and deleted only once no dedup answer that named it can
 * still be valid (see XetXorbsService). The index on `xet_dedup_chunks (xorb_hash)` serves
 * taking a xorb's entries out and checking that none came back.
 */
export class XetGc1796411279666 implements MigrationInterface {
  name = 'XetGc1796411279666';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE xet_xorbs ADD COLUMN unindexed_at timestamptz NULL`);
    await q.query(`CREATE INDEX xet_dedup_chunks_xorb_idx ON xet_dedup_chunks (xorb_hash)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS xet_dedup_chunks_xorb_idx`);
    await q.query(`ALTER TABLE xet_xorbs DROP COLUMN unindexed_at`);
  }
}
