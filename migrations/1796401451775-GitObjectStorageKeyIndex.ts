import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which store keys git objects reference, for the sweep of pushed objects no accepted push
 * recorded (a refused or crashed push leaves its large blobs in the store).
 */
export class GitObjectStorageKeyIndex1796401451775 implements MigrationInterface {
  name = 'GitObjectStorageKeyIndex1796401451775';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX git_objects_storage_key_idx ON git_objects (storage_key) WHERE storage_key IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS git_objects_storage_key_idx`);
  }
}
