import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Discussions and pull requests. One numbering per repository, shared by both (as on the Hub):
 * `discussion_numbers` hands out the next number under its row lock. A pull request is a
 * discussion with `refs/pr/<num>` and a target branch. Every change is an event (comment,
 * status, title, commit), in the order it happened. Pull-request refs made before this table
 * existed become open pull requests here, titled by their commit.
 */
export class Discussions1796404056778 implements MigrationInterface {
  name = 'Discussions1796404056778';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE discussion_numbers (
        repo_id bigint PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
        last_num integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE discussions (
        id bigserial PRIMARY KEY,
        repo_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
        num integer NOT NULL CHECK (num > 0),
        is_pull_request boolean NOT NULL,
        title varchar(200) NOT NULL,
        status varchar(8) NOT NULL CHECK (status IN ('draft', 'open', 'merged', 'closed')),
        author_id bigint NULL REFERENCES users (id) ON DELETE SET NULL,
        target_branch varchar(255) NULL,
        merge_commit_oid varchar(40) NULL,
        -- Where the merged changes started from (the diff of a merged pull request).
        merge_base_oid varchar(40) NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (is_pull_request OR (target_branch IS NULL AND status IN ('open', 'closed'))),
        UNIQUE (repo_id, num)
      )`);
    // The listing: a repository's discussions, newest first, filtered by status.
    await q.query(`CREATE INDEX discussions_repo_status_idx ON discussions (repo_id, status, num DESC)`);
    await q.query(`
      CREATE TABLE discussion_events (
        id bigserial PRIMARY KEY,
        discussion_id bigint NOT NULL REFERENCES discussions (id) ON DELETE CASCADE,
        public_id varchar(24) NOT NULL UNIQUE,
        type varchar(16) NOT NULL CHECK (type IN ('comment', 'status-change', 'title-change', 'commit')),
        author_id bigint NULL REFERENCES users (id) ON DELETE SET NULL,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX discussion_events_discussion_idx ON discussion_events (discussion_id, id)`);

    // Pull-request refs of before: open pull requests onto the default branch.
    await q.query(`
      INSERT INTO discussions (repo_id, num, is_pull_request, title, status, author_id, target_branch, created_at, updated_at)
      SELECT r.repo_id, substring(r.name FROM '^refs/pr/([0-9]+)$')::int, true, left(COALESCE(NULLIF(c.title, ''), r.name), 200), 'open',
             (SELECT u.id FROM users u WHERE lower(u.email) = lower(c.author_email) LIMIT 1), p.default_branch, r.updated_at, r.updated_at
      FROM git_refs r
      JOIN repositories p ON p.id = r.repo_id
      LEFT JOIN git_commits c ON c.repo_id = r.repo_id AND c.oid = r.oid
      WHERE r.name ~ '^refs/pr/[0-9]+$'`);
    await q.query(`
      INSERT INTO discussion_numbers (repo_id, last_num)
      SELECT repo_id, max(num) FROM discussions GROUP BY repo_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['discussion_events', 'discussions', 'discussion_numbers']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
