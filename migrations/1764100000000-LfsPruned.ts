import { MigrationInterface, QueryRunner } from 'typeorm';

/** LFS versions a repository no longer keeps (keep_versions): downloads of them answer 410. */
export class LfsPruned1764100000000 implements MigrationInterface {
  name = 'LfsPruned1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lfs_pruned (
        repo_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
        oid varchar(64) NOT NULL,
        pointer_oid varchar(40) NOT NULL,
        pruned_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (repo_id, oid)
      )`);
    await q.query(`CREATE INDEX lfs_pruned_pointer_idx ON lfs_pruned (repo_id, pointer_oid)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS lfs_pruned`);
  }
}
