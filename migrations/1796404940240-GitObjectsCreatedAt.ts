import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a repository's git object was recorded (or last re-recorded), so that garbage collection
 * of objects no ref reaches leaves alone those of a push still in flight (recorded before its
 * ref moves). Existing rows get the migration's time (no table rewrite: the default is stable).
 */
export class GitObjectsCreatedAt1796404940240 implements MigrationInterface {
  name = 'GitObjectsCreatedAt1796404940240';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE git_objects ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE git_objects DROP COLUMN created_at`);
  }
}
