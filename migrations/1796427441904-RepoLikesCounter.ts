import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * repositories.likes follows repo_likes through statement-level triggers, so that rows removed
 * by a cascade (a deleted user's likes) come off the count too; the like and unlike statements
 * no longer adjust it themselves. Counts already off are corrected once here.
 */
export class RepoLikesCounter1796427441904 implements MigrationInterface {
  name = 'RepoLikesCounter1796427441904';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION repo_likes_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE repositories r SET likes = r.likes + d.n
          FROM (SELECT repo_id, count(*) AS n FROM added GROUP BY repo_id) d WHERE r.id = d.repo_id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION repo_likes_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE repositories r SET likes = GREATEST(r.likes - d.n, 0)
          FROM (SELECT repo_id, count(*) AS n FROM removed GROUP BY repo_id) d WHERE r.id = d.repo_id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER repo_likes_added AFTER INSERT ON repo_likes REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION repo_likes_added()`);
    await q.query(`CREATE TRIGGER repo_likes_removed AFTER DELETE ON repo_likes REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION repo_likes_removed()`);
    await q.query(`UPDATE repositories r SET likes = c.n FROM (SELECT r2.id, count(l.user_id) AS n FROM repositories r2 LEFT JOIN repo_likes l ON l.repo_id = r2.id GROUP BY r2.id) c WHERE r.id = c.id AND r.likes <> c.n`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS repo_likes_removed ON repo_likes`);
    await q.query(`DROP TRIGGER IF EXISTS repo_likes_added ON repo_likes`);
    await q.query(`DROP FUNCTION IF EXISTS repo_likes_removed()`);
    await q.query(`DROP FUNCTION IF EXISTS repo_likes_added()`);
  }
}
