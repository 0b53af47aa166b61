import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Public profile fields, uploaded avatars and follows, for users and organizations alike, so they
 * live on `namespaces`. An avatar's bytes are in the object store under `avatars/<namespace id>/`
 * + its SHA-256; the row names the current one. Follower and following counts are kept by row
 * triggers on `follows`, in the statement that adds or removes the follow (cascades included).
 */
export class ProfilesAvatarsFollows1796411201041 implements MigrationInterface {
  name = 'ProfilesAvatarsFollows1796411201041';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE namespaces
        ADD COLUMN bio text NULL CHECK (char_length(bio) <= 1000),
        ADD COLUMN website varchar(256) NULL,
        ADD COLUMN social_media jsonb NULL,
        ADD COLUMN avatar_sha256 char(64) NULL,
        ADD COLUMN avatar_size integer NULL,
        ADD COLUMN avatar_updated_at timestamptz NULL,
        ADD COLUMN num_followers integer NOT NULL DEFAULT 0,
        ADD COLUMN num_following integer NOT NULL DEFAULT 0`);

    await q.query(`
      CREATE TABLE follows (
        follower_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        followee_id bigint NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (follower_id, followee_id),
        CHECK (follower_id <> followee_id)
      )`);
    await q.query(`CREATE INDEX follows_followee_idx ON follows (followee_id, created_at DESC)`);
    await q.query(`CREATE INDEX follows_follower_created_idx ON follows (follower_id, created_at DESC)`);

    await q.query(`
      CREATE FUNCTION follows_count() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          UPDATE namespaces SET num_followers = num_followers + 1 WHERE id = NEW.followee_id;
          UPDATE namespaces SET num_following = num_following + 1 WHERE id = NEW.follower_id;
          RETURN NEW;
        END IF;
        UPDATE namespaces SET num_followers = num_followers - 1 WHERE id = OLD.followee_id;
        UPDATE namespaces SET num_following = num_following - 1 WHERE id = OLD.follower_id;
        RETURN OLD;
      END $$`);
    await q.query(`CREATE TRIGGER follows_count AFTER INSERT OR DELETE ON follows FOR EACH ROW EXECUTE FUNCTION follows_count()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS follows`);
    await q.query(`DROP FUNCTION IF EXISTS follows_count()`);
    await q.query(`
      ALTER TABLE namespaces
        DROP COLUMN IF EXISTS num_following, DROP COLUMN IF EXISTS num_followers,
        DROP COLUMN IF EXISTS avatar_updated_at, DROP COLUMN IF EXISTS avatar_size, DROP COLUMN IF EXISTS avatar_sha256,
        DROP COLUMN IF EXISTS social_media, DROP COLUMN IF EXISTS website, DROP COLUMN IF EXISTS bio`);
  }
}
