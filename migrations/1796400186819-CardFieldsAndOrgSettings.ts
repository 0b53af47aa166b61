import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Repository listings filter by the card's `pipeline_tag` and by tags (library, language), so
 * both are indexed; organizations get a display name and a default visibility for new repos.
 */
export class CardFieldsAndOrgSettings1796400186819 implements MigrationInterface {
  name = 'CardFieldsAndOrgSettings1796400186819';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE repositories ADD COLUMN pipeline_tag text NULL`);
    await q.query(`UPDATE repositories SET pipeline_tag = card_data->>'pipeline_tag' WHERE jsonb_typeof(card_data->'pipeline_tag') = 'string'`);
    await q.query(`CREATE INDEX repositories_pipeline_tag_idx ON repositories (type, pipeline_tag) WHERE pipeline_tag IS NOT NULL`);
    await q.query(`CREATE INDEX repositories_tags_idx ON repositories USING gin (tags)`);
    await q.query(`ALTER TABLE organizations ADD COLUMN fullname text NULL, ADD COLUMN default_repo_private boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organizations DROP COLUMN IF EXISTS default_repo_private, DROP COLUMN IF EXISTS fullname`);
    await q.query(`DROP INDEX IF EXISTS repositories_tags_idx`);
    await q.query(`DROP INDEX IF EXISTS repositories_pipeline_tag_idx`);
    await q.query(`ALTER TABLE repositories DROP COLUMN IF EXISTS pipeline_tag`);
  }
}
