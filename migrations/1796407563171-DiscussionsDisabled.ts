import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per repository: discussions turned off (`discussionsDisabled` in the repository's settings). */
export class DiscussionsDisabled1796407563171 implements MigrationInterface {
  name = 'DiscussionsDisabled1796407563171';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE repositories ADD COLUMN discussions_disabled boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE repositories DROP COLUMN IF EXISTS discussions_disabled`);
  }
}
