import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Collections (the Hub's curated lists): owned by a user or an organization, addressed by
 * `{owner}/{title-slug}-{public_id}` (the id is what finds it; the title part follows renames).
 * Repository items reference `repositories.id`, so a moved repository stays in its collections
 * and a deleted one leaves them; papers are kept by their id (Hangar has no paper pages).
 */
export class Collections1796411180841 implements MigrationInterface {
  name = 'Collections1796411180841';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE collections (
        id bigserial PRIMARY KEY,
        public_id text NOT NULL UNIQUE,
        namespace_id bigint NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,
        title text NOT NULL,
        description text,
        private boolean NOT NULL DEFAULT false,
        theme text NOT NULL DEFAULT 'default',
        position integer NOT NULL,
        upvotes integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_updated timestamptz NOT NULL DEFAULT now()
      )`);
    // One title per owner: creating it again answers 409 with the existing slug (exists_ok).
    await q.query(`CREATE UNIQUE INDEX collections_namespace_title_key ON collections (namespace_id, title)`);
    await q.query(`CREATE INDEX collections_last_updated_idx ON collections (last_updated DESC, id DESC)`);
    await q.query(`
      CREATE TABLE collection_items (
        id bigserial PRIMARY KEY,
        public_id text NOT NULL UNIQUE,
        collection_id bigint NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
        item_type text NOT NULL CHECK (item_type IN ('model', 'dataset', 'space', 'paper')),
        repo_id bigint REFERENCES repositories (id) ON DELETE CASCADE,
        paper_id text,
        position integer NOT NULL,
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((item_type = 'paper') = (paper_id IS NOT NULL) AND (item_type = 'paper') = (repo_id IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX collection_items_repo_key ON collection_items (collection_id, repo_id) WHERE repo_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX collection_items_paper_key ON collection_items (collection_id, paper_id) WHERE paper_id IS NOT NULL`);
    await q.query(`CREATE INDEX collection_items_collection_position_idx ON collection_items (collection_id, position)`);
    // The `item` filter of the listing and the cascade from repository deletes.
    await q.query(`CREATE INDEX collection_items_repo_idx ON collection_items (repo_id) WHERE repo_id IS NOT NULL`);
    await q.query(`CREATE INDEX collection_items_paper_idx ON collection_items (paper_id) WHERE paper_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS collection_items`);
    await q.query(`DROP TABLE IF EXISTS collections`);
  }
}
