import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The blob id of the README.md that a repository's card data was read from. A commit or push
 * that leaves README.md as it was then moves only the head (one statement) instead of reading
 * the README again. Empty for existing rows: their next commit to the default branch fills it.
 */
export class CardReadmeOid1796445131163 implements MigrationInterface {
  name = 'CardReadmeOid1796445131163';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE repositories ADD COLUMN card_readme_oid varchar(40) NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE repositories DROP COLUMN IF EXISTS card_readme_oid`);
  }
}
